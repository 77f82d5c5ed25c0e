namespace Tuf.Server;

/// <summary>
/// Finds the key-encryption key: <c>Server:KeyEncryptionKey</c> (base64 of 32 bytes), else the file named by
/// <c>Server:KeyEncryptionKeyFile</c>, else (SQLite only) <c>{DataDirectory}/key-encryption-key</c>, created with
/// mode 0600 on first start. PostgreSQL setups must configure one, since every replica needs the same key.
/// </summary>
internal static partial class KeyEncryptionKeySource
{
    /// <summary>The generated key file's name.</summary>
    public const string DefaultFileName = "key-encryption-key";

    /// <summary>What is wrong with the configured key, or null.</summary>
    public static string? Validate(ServerOptions server, StorageOptions storage)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(storage);
        if (!string.IsNullOrEmpty(server.KeyEncryptionKey))
        {
            return Decode(server.KeyEncryptionKey) is null ? "Server:KeyEncryptionKey must be base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`)." : null;
        }

        if (!string.IsNullOrEmpty(server.KeyEncryptionKeyFile))
        {
            if (!File.Exists(server.KeyEncryptionKeyFile))
            {
                return $"Server:KeyEncryptionKeyFile '{server.KeyEncryptionKeyFile}' does not exist.";
            }

            return Decode(File.ReadAllText(server.KeyEncryptionKeyFile)) is null ? $"Server:KeyEncryptionKeyFile '{server.KeyEncryptionKeyFile}' must hold base64 of exactly 32 bytes." : null;
        }

        return storage.Provider == "postgres"
            ? "Server:KeyEncryptionKey or Server:KeyEncryptionKeyFile is required with PostgreSQL (every replica must share one key-encryption key)."
            : null;
    }

    /// <summary>Loads (or, for SQLite, creates) the key.</summary>
    public static byte[] Resolve(ServerOptions server, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!string.IsNullOrEmpty(server.KeyEncryptionKey))
        {
            return Decode(server.KeyEncryptionKey)!;
        }

        if (!string.IsNullOrEmpty(server.KeyEncryptionKeyFile))
        {
            return Decode(File.ReadAllText(server.KeyEncryptionKeyFile))!;
        }

        var path = Path.GetFullPath(Path.Combine(server.DataDirectory, DefaultFileName));
        if (File.Exists(path))
        {
            return Decode(File.ReadAllText(path)) ?? throw new InvalidOperationException($"{path} does not hold base64 of 32 bytes.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(path, options);
            writer.Write(Convert.ToBase64String(key));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first: use theirs.
            return Decode(File.ReadAllText(path)) ?? throw new InvalidOperationException($"{path} does not hold base64 of 32 bytes.");
        }

        LogCreated(logger, path);
        return key;
    }

    private static byte[]? Decode(string text)
    {
        try
        {
            var bytes = Convert.FromBase64String(text.Trim());
            return bytes.Length == 32 ? bytes : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Created a new key-encryption key at {Path}; back it up: without it the server's timestamp/snapshot keys cannot be used")]
    private static partial void LogCreated(ILogger logger, string path);
}
