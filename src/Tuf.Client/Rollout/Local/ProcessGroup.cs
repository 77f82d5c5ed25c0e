using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Tuf.Client.Rollout.Local;

/// <summary>
/// Processes started in their own session and process group (<c>setsid</c>), tracked by group id and the leader's start
/// time (so a reused PID is never signalled), stopped with SIGTERM then SIGKILL to the whole group. Liveness reads
/// <c>/proc</c>: a group whose members are all zombies (reparented to a parent that does not reap) counts as stopped.
/// </summary>
internal static class ProcessGroup
{
    private const string SetsidPath = "/usr/bin/setsid";

    // Keep Process objects referenced until exit so the runtime reaps the children it started.
    private static readonly ConcurrentDictionary<int, Process> Started = new();

    /// <summary>A started group: its id (the leader's PID) and the leader's start time in clock ticks since boot.</summary>
    internal readonly record struct Handle(int Pgid, long StartTime);

    /// <summary>Starts <c>sh -c command</c> in a new session, stdin from /dev/null, output appended to <paramref name="logPath"/>.</summary>
    public static Handle Start(string command, string workingDirectory, string logPath, IReadOnlyDictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo(File.Exists(SetsidPath) ? SetsidPath : "setsid")
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        psi.ArgumentList.Add("/bin/sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec </dev/null >>\"$TUF_ROLLOUT_LOG\" 2>&1\n" + command);
        psi.Environment["TUF_ROLLOUT_LOG"] = logPath;
        foreach (var (key, value) in environment)
        {
            psi.Environment[key] = value;
        }

        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start the instance process");
        var pid = process.Id;
        Started[pid] = process;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) =>
        {
            if (Started.TryRemove(pid, out var p))
            {
                p.Dispose();
            }
        };

        // The start time is fixed at fork, so it is readable as soon as the PID exists.
        var start = ReadStat(pid) is { } stat ? stat.StartTime : 0;
        return new Handle(pid, start);
    }

    /// <summary>Whether the group still has a process that is not a zombie (and is ours: the leader's start time matches).</summary>
    public static bool IsAlive(Handle handle)
    {
        if (handle.Pgid <= 1)
        {
            return false;
        }

        if (ReadStat(handle.Pgid) is { } leader && leader.StartTime != handle.StartTime)
        {
            return false; // the PID belongs to someone else now
        }

        if (!Posix.GroupExists(handle.Pgid))
        {
            return false;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && ReadStat(pid) is { } stat && stat.Pgrp == handle.Pgid && stat.State != 'Z' && stat.State != 'X')
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>SIGTERM to the group, wait up to <paramref name="grace"/>, then SIGKILL and wait for it to go.</summary>
    public static async Task StopAsync(Handle handle, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!IsAlive(handle))
        {
            return;
        }

        Posix.SignalGroup(handle.Pgid, Posix.SigTerm);
        if (await WaitGoneAsync(handle, grace, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        Posix.SignalGroup(handle.Pgid, Posix.SigKill);
        if (!await WaitGoneAsync(handle, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false))
        {
            throw new IOException($"process group {handle.Pgid} did not exit after SIGKILL");
        }
    }

    private static async Task<bool> WaitGoneAsync(Handle handle, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (IsAlive(handle))
        {
            if (Stopwatch.GetTimestamp() > deadline)
            {
                return false;
            }

            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private readonly record struct Stat(char State, int Pgrp, long StartTime);

    private static Stat? ReadStat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }

        // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
        //  priority nice threads itrealvalue starttime ..."; comm may hold spaces and parentheses, so split after the last ')'.
        var close = text.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ');
        if (fields.Length < 20
            || !int.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var pgrp)
            || !long.TryParse(fields[19], NumberStyles.Integer, CultureInfo.InvariantCulture, out var start))
        {
            return null;
        }

        return new Stat(fields[0][0], pgrp, start);
    }
}
