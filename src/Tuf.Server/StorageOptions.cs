using System.ComponentModel.DataAnnotations;

namespace Tuf.Server;

/// <summary>Storage settings (configuration section <c>Storage</c>).</summary>
internal sealed class StorageOptions : IValidatableObject
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Storage";

    /// <summary><c>sqlite</c> (embedded, default) or <c>postgres</c>.</summary>
    [Required]
    [RegularExpression("^(sqlite|postgres)$", ErrorMessage = "Storage:Provider must be 'sqlite' or 'postgres'.")]
    public string Provider { get; set; } = "sqlite";

    /// <summary>For <c>postgres</c>: an Npgsql connection string (required). For <c>sqlite</c>: optional database file path (default <c>{DataDirectory}/tuf.db</c>).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>SQLite only: <c>true</c> fsyncs every commit before acknowledging it (survives power loss); <c>false</c>
    /// uses <c>synchronous=NORMAL</c> (survives a killed process, may lose the last commits on power failure).</summary>
    /// <value>Default true.</value>
    public bool SqliteSynchronousFull { get; set; } = true;

    /// <inheritdoc/>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == "postgres" && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("Storage:ConnectionString is required when Storage:Provider is 'postgres'.", [nameof(ConnectionString)]);
        }
    }
}
