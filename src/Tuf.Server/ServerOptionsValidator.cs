using Microsoft.Extensions.Options;

namespace Tuf.Server;

/// <summary>Checks what data annotations cannot: the key-encryption key and expiry/window relations.</summary>
internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    private readonly IConfiguration _configuration;

    /// <summary>Creates the validator (reads the storage section unvalidated, so each section reports its own errors).</summary>
    public ServerOptionsValidator(IConfiguration configuration) => _configuration = configuration;

    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (KeyEncryptionKeySource.Validate(options, _configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions()) is { } kek)
        {
            failures.Add(kek);
        }

        if (options.ResignWindow >= options.TimestampExpiry)
        {
            failures.Add("Server:ResignWindow must be shorter than Server:TimestampExpiry.");
        }

        if (options.ResignWindow >= options.SnapshotExpiry)
        {
            failures.Add("Server:ResignWindow must be shorter than Server:SnapshotExpiry.");
        }

        if (_configuration[$"{AuthOptions.Section}:TokenRealm"] is { Length: > 0 } realm
            && (!Uri.TryCreate(realm, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || realm.Any(c => c is '"' or '\\' || char.IsControl(c))))
        {
            failures.Add("Auth:TokenRealm must be an absolute http(s) URL of the token endpoint, e.g. https://trust.example.com/_token.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
