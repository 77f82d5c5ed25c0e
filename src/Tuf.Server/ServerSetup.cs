using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Tuf.Server.Auth;
using Tuf.Server.Endpoints;
using Tuf.Server.Observability;
using Tuf.Server.Publishing;
using Tuf.Server.Storage;

namespace Tuf.Server;

/// <summary>Wires the server together (kept out of Program.cs).</summary>
internal static partial class ServerSetup
{
    /// <summary>The default listen address.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5000";

    /// <summary>Registers options (validated at start), storage, keys, publishing, auth and metrics.</summary>
    public static WebApplicationBuilder AddTufServer(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // HTTPS (and any other endpoint) comes from Kestrel's own configuration: Kestrel:Endpoints:NAME:Url plus
        // Certificate:Path / Certificate:KeyPath (PEM files); see docs/server.md.
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]) && string.IsNullOrEmpty(builder.Configuration["https_ports"])
            && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        ShippedSettings.Add(builder.Configuration, builder.Environment);
        SafeLogging.Use(builder.Logging);

        var services = builder.Services;
        services.AddOptions<ServerOptions>().BindConfiguration(ServerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section)
            .PostConfigure<IConfiguration>((o, config) => o.AdminToken ??= config["TUF_SERVER_ADMIN_TOKEN"])
            .Validate(o => o.Tokens.All(t => IsValidScope(t.Scopes) && t.Hash.Length == 64 && t.Hash.All(char.IsAsciiHexDigit)),
                "Every Auth:Tokens entry needs Hash (SHA-256 hex of the token) and Scopes (e.g. 'push:example.com/*').")
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
        // Read unvalidated here: Kestrel is built with the app, before start-up validation can report errors cleanly.
        // Parsed leniently: a malformed value is reported by that validation, not thrown from inside Kestrel.
        services.AddOptions<KestrelServerOptions>().Configure<IConfiguration>((k, config) =>
            k.Limits.MaxRequestBodySize = long.TryParse(config[ServerOptions.Section + ":" + nameof(ServerOptions.MaxRequestBodyBytes)], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long limit)
                ? limit
                : new ServerOptions().MaxRequestBodyBytes);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<ICollectionStore>(sp =>
        {
            var storage = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var server = sp.GetRequiredService<IOptions<ServerOptions>>().Value;
            return storage.Provider == "postgres"
                ? new PostgresCollectionStore(storage.ConnectionString!)
                : new SqliteCollectionStore(string.IsNullOrEmpty(storage.ConnectionString) ? Path.Combine(server.DataDirectory, "tuf.db") : storage.ConnectionString, storage.SqliteSynchronousFull);
        });
        services.AddSingleton(sp => new KeyEncryption(KeyEncryptionKeySource.Resolve(
            sp.GetRequiredService<IOptions<ServerOptions>>().Value, sp.GetRequiredService<ILoggerFactory>().CreateLogger("Tuf.Server.KeyEncryption"))));
        services.AddSingleton<MetadataCache>();
        services.AddSingleton<ServerKeyService>();
        services.AddSingleton<PublishService>();
        services.AddSingleton<PublishRequestReader>();
        services.AddSingleton<PublishGate>();
        services.AddSingleton<BearerTokens>();
        services.AddSingleton<TokenAuthenticator>();
        services.AddSingleton<TimestampResigner>();
        services.AddHostedService(sp => sp.GetRequiredService<TimestampResigner>());
        return builder;
    }

    /// <summary>Adds the middleware and every route.</summary>
    public static WebApplication MapTufServer(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<ErrorHandlingMiddleware>();

        // prometheus-net's HTTP metrics (requests in progress, counts and durations by method, status and endpoint),
        // in the server's own registry next to its counters.
        var metrics = app.Services.GetRequiredService<Observability.ServerMetrics>();
        app.UseRouting();
        // Read from configuration rather than IOptions: options are validated (with a clear message and exit code 2)
        // only in RunTufServerAsync, and resolving them here would throw past that on a bad configuration.
        if (bool.TryParse(app.Configuration[ServerOptions.Section + ":" + nameof(ServerOptions.HttpMetrics)], out bool httpMetrics) && httpMetrics)
        {
            Prometheus.HttpMetricsMiddlewareExtensions.UseHttpMetrics(app, options => options.SetMetricFactory(Prometheus.Metrics.WithCustomRegistry(metrics.Registry)));
        }
        app.MapHealthEndpoints();
        app.MapAdminEndpoints();
        app.MapNotaryEndpoints();
        app.MapTokenEndpoint();
        app.MapMetadataEndpoints();
        return app;
    }

    /// <summary>Validates options, migrates the database, makes sure an admin token exists, then serves until stopped.</summary>
    /// <returns>The process exit code: 0, or 2 for invalid configuration.</returns>
    public static async Task<int> RunTufServerAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Tuf.Server");
        var failures = new List<string>();
        foreach (var validate in new Action[]
        {
            () => _ = app.Services.GetRequiredService<IOptions<StorageOptions>>().Value,
            () => _ = app.Services.GetRequiredService<IOptions<ServerOptions>>().Value,
            () => _ = app.Services.GetRequiredService<IOptions<AuthOptions>>().Value,
        })
        {
            try
            {
                validate();
            }
            catch (OptionsValidationException e)
            {
                failures.AddRange(e.Failures);
            }
            catch (InvalidOperationException e)
            {
                // Binding only: the configuration binder's conversion failure names the key, the value and the type.
                failures.Add(e.Message);
            }
        }

        if (failures.Count > 0)
        {
            await Console.Error.WriteLineAsync("tuf-server: invalid configuration:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", failures.Distinct(StringComparer.Ordinal))).ConfigureAwait(false);
            return 2;
        }

        var store = app.Services.GetRequiredService<ICollectionStore>();
        await store.InitializeAsync(app.Lifetime.ApplicationStopping).ConfigureAwait(false);
        _ = app.Services.GetRequiredService<KeyEncryption>();
        await AdminTokenBootstrap.EnsureAsync(store, app.Services.GetRequiredService<TokenAuthenticator>(), app.Services.GetRequiredService<TimeProvider>(), logger, app.Lifetime.ApplicationStopping).ConfigureAwait(false);
        await app.RunAsync().ConfigureAwait(false);
        return 0;
    }

    private static bool IsValidScope(string scopes)
    {
        try
        {
            TokenScopes.Parse(scopes);
            return !string.IsNullOrWhiteSpace(scopes);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
