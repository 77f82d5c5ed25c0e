using System.Diagnostics;
using Npgsql;

namespace Tuf.Server.Tests;

/// <summary>
/// One throw-away PostgreSQL cluster per test run, started by eng/postgres.sh on first use and stopped when the
/// test process exits. Each caller gets its own fresh database.
/// </summary>
internal static class PostgresCluster
{
    private static readonly Lazy<(string? ConnectionString, string? Dir, string? Error)> s_cluster = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int s_counter;

    /// <summary>Why the cluster is unavailable (null when it runs).</summary>
    public static string? UnavailableReason => s_cluster.Value.ConnectionString is null ? s_cluster.Value.Error : null;

    /// <summary>Creates a new empty database and returns its connection string, or null when PostgreSQL cannot run here.</summary>
    public static string? CreateDatabase()
    {
        var cs = s_cluster.Value.ConnectionString;
        if (cs is null)
        {
            return null;
        }

        var name = $"t{Environment.ProcessId}_{Interlocked.Increment(ref s_counter)}";
        using (var connection = new NpgsqlConnection(cs))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"CREATE DATABASE {name}";
            cmd.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(cs) { Database = name }.ToString();
    }

    private static (string?, string?, string?) Start()
    {
        var script = Path.Combine(Tuf.Testing.SharedVectors.RepoRoot, "eng", "postgres.sh");
        if (!OperatingSystem.IsLinux() || !File.Exists(script))
        {
            return (null, null, "PostgreSQL tests need Linux and eng/postgres.sh");
        }

        try
        {
            var psi = new ProcessStartInfo("bash", [script, "start"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.Environment["TUF_PG_OWNER_PID"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using var process = Process.Start(psi)!;
            var stdoutTask = process.StandardOutput.ReadToEndAsync();
            var stderrTask = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                process.Kill(entireProcessTree: true);
                return (null, null, "eng/postgres.sh start timed out");
            }

            var stdout = stdoutTask.GetAwaiter().GetResult();
            var stderr = stderrTask.GetAwaiter().GetResult();
            string? cs = null, dir = null;
            foreach (var line in stdout.Split('\n'))
            {
                if (line.StartsWith("CONNECTION=", StringComparison.Ordinal))
                {
                    cs = line["CONNECTION=".Length..].Trim();
                }
                else if (line.StartsWith("DIR=", StringComparison.Ordinal))
                {
                    dir = line["DIR=".Length..].Trim();
                }
            }

            if (process.ExitCode != 0 || cs is null || dir is null)
            {
                return (null, null, $"eng/postgres.sh start failed (exit {process.ExitCode}): {stderr.Trim()}");
            }

            AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(script, dir);
            return (cs, dir, null);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return (null, null, "could not run eng/postgres.sh: " + e.Message);
        }
    }

    private static void Stop(string script, string dir)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("bash", [script, "stop", dir]) { UseShellExecute = false })!;
            process.WaitForExit(TimeSpan.FromSeconds(60));
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // Best effort at process exit.
        }
    }
}
