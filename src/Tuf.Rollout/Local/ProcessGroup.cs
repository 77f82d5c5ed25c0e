using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Tuf.Internal;

namespace Tuf.Rollout.Local;

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

    /// <summary>
    /// Starts <c>sh -c command</c> in a new session, stdin from /dev/null, output appended to <paramref name="logPath"/>.
    /// The child records itself in <paramref name="pidFile"/> ("pgid 0 tag") before it runs the command, so a process
    /// started by an updater killed right after the fork is still found and stopped by the next one.
    /// </summary>
    public static Handle Start(string command, string workingDirectory, string logPath, string pidFile, string tag, IReadOnlyDictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo(File.Exists(SetsidPath) ? SetsidPath : "setsid")
        {
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        psi.ArgumentList.Add("/bin/sh");
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(
            "exec </dev/null >>\"$TUF_ROLLOUT_LOG\" 2>&1\n" +
            "echo \"$$ 0 $TUF_ROLLOUT_TAG\" >\"$TUF_ROLLOUT_PIDFILE.$$\" && mv -f \"$TUF_ROLLOUT_PIDFILE.$$\" \"$TUF_ROLLOUT_PIDFILE\"\n" +
            command);
        psi.Environment["TUF_ROLLOUT_LOG"] = logPath;
        psi.Environment["TUF_ROLLOUT_PIDFILE"] = pidFile;
        psi.Environment["TUF_ROLLOUT_TAG"] = tag;
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

    /// <summary>
    /// Whether the leader, or failing that another member of the group, is a live (non-zombie) process that is ours
    /// (the leader's start time matches). The leader is checked first: right after the start, <c>setsid</c> may not
    /// have created the group yet.
    /// </summary>
    public static bool IsAlive(Handle handle)
    {
        if (handle.Pgid <= 1)
        {
            return false;
        }

        if (ReadStat(handle.Pgid) is { } leader)
        {
            // Start time 0: recorded by the child itself (its parent died before recording more); trust the id alone.
            if (handle.StartTime != 0 && leader.StartTime != handle.StartTime)
            {
                return false; // the PID belongs to someone else now
            }

            if (leader.State is not ('Z' or 'X'))
            {
                return true;
            }
        }

        if (!Posix.GroupExists(handle.Pgid))
        {
            return false;
        }

        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && ReadStat(pid) is { } stat && stat.Pgrp == handle.Pgid && stat.State is not ('Z' or 'X'))
            {
                return true;
            }
        }

        return false;
    }

    private static void Signal(Handle handle, int signal)
    {
        // The group, and the leader itself in case setsid has not made it a group leader yet.
        Posix.SignalGroup(handle.Pgid, signal);
        if (ReadStat(handle.Pgid) is { } leader && (handle.StartTime == 0 || leader.StartTime == handle.StartTime))
        {
            Posix.SignalProcess(handle.Pgid, signal);
        }
    }

    /// <summary>The leader's state as /proc shows it (for error messages).</summary>
    public static string Describe(Handle handle) => ReadStat(handle.Pgid) is { } s
        ? string.Create(CultureInfo.InvariantCulture, $"leader state {s.State}, started {s.StartTime}, recorded {handle.StartTime}")
        : "leader gone";

    /// <summary>SIGTERM to the group, wait up to <paramref name="grace"/>, then SIGKILL and wait for it to go.</summary>
    public static async Task StopAsync(Handle handle, TimeSpan grace, CancellationToken cancellationToken)
    {
        if (!IsAlive(handle))
        {
            return;
        }

        Signal(handle, Posix.SigTerm);
        if (await WaitGoneAsync(handle, grace, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        Signal(handle, Posix.SigKill);
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
