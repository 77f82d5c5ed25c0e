using System.Globalization;
using System.Net.Http;
using Tuf.Internal;

namespace Tuf.Rollout.Local;

/// <summary>
/// Instances that are local process groups started from per-instance folders (<see cref="GroupFile"/>). The PID of each
/// slot's process group is kept in <c>{dir}/run/slot-{n}.pid</c> ("pgid starttime sha256"), its output in
/// <c>{dir}/run/slot-{n}.log</c>, so another updater process (resume, stop, watch) finds and controls them.
/// </summary>
public sealed class LocalInstanceProvider : IInstanceProvider
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    private readonly Dictionary<string, LocalInstance> _byName;
    private readonly GroupFile _group;

    /// <summary>The instances of a local group file (see <see cref="GroupFile.Load"/>).</summary>
    /// <param name="group">The group.</param>
    public LocalInstanceProvider(GroupFile group)
    {
        _group = group;
        _byName = group.Instances.ToDictionary(i => i.Name, StringComparer.Ordinal);
        Instances = group.Instances.Select(i => i.Name).ToList();
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Instances { get; }

    /// <inheritdoc />
    public int SlotCount(string instance) => Math.Max(1, Get(instance).Ports.Count);

    /// <inheritdoc />
    public string? GetInstalled(string instance) => Store(instance).GetCurrent();

    /// <inheritdoc />
    public string? FindInstalledMismatch(string instance)
    {
        var store = Store(instance);
        return store.GetCurrent() is { } sha ? store.FindMismatch(sha) : "nothing is installed";
    }

    /// <inheritdoc />
    public Task PrepareAsync(string instance, VerifiedArtifact artifact, CancellationToken cancellationToken = default)
    {
        Store(instance).Prepare(artifact);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task ActivateAsync(string instance, string? sha256, CancellationToken cancellationToken = default)
    {
        if (sha256 is null)
        {
            Store(instance).Deactivate();
        }
        else
        {
            Store(instance).Activate(sha256);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<int> StartAsync(string instance, CancellationToken cancellationToken = default)
    {
        var inst = Get(instance);
        var store = Store(instance);
        var live = store.GetCurrent() ?? throw new InvalidOperationException($"instance {instance} has no live release to start");
        var slot = FreeSlot(inst);
        if (slot < 0)
        {
            // Every slot busy (e.g. a start-first step interrupted between start and stop): free the slots not running the live release.
            foreach (var s in RunningSlots(instance))
            {
                if (ReadPid(inst, s) is { } rec && rec.Sha256 != live)
                {
                    await StopSlotAsync(inst, s, cancellationToken).ConfigureAwait(false);
                }
            }

            slot = FreeSlot(inst);
            if (slot < 0)
            {
                await StopSlotAsync(inst, 0, cancellationToken).ConfigureAwait(false);
                slot = 0;
            }
        }

        var runDir = Path.Combine(inst.Directory, "run");
        Directory.CreateDirectory(runDir);
        var port = inst.Ports.Count > 0 ? inst.Ports[slot].ToString(CultureInfo.InvariantCulture) : "";
        var env = new Dictionary<string, string>
        {
            ["TUF_INSTANCE"] = inst.Name,
            ["TUF_SLOT"] = slot.ToString(CultureInfo.InvariantCulture),
            ["TUF_RELEASE"] = live,
        };
        if (port.Length > 0)
        {
            env["PORT"] = port;
        }

        var handle = ProcessGroup.Start(Substitute(inst, inst.Start, slot), inst.Directory, Path.Combine(runDir, $"slot-{slot}.log"), PidPath(inst, slot), live, env);
        DurableFile.Write(PidPath(inst, slot), System.Text.Encoding.ASCII.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{handle.Pgid} {handle.StartTime} {live}\n")));
        return slot;
    }

    /// <inheritdoc />
    public async Task StopAsync(string instance, int? exceptSlot = null, CancellationToken cancellationToken = default)
    {
        var inst = Get(instance);
        for (var slot = 0; slot < SlotCount(instance); slot++)
        {
            if (slot != exceptSlot)
            {
                await StopSlotAsync(inst, slot, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task<bool> IsHealthyAsync(string instance, int slot, CancellationToken cancellationToken = default)
    {
        var inst = Get(instance);
        if (ReadPid(inst, slot) is not { } rec || !ProcessGroup.IsAlive(rec.Handle))
        {
            return false;
        }

        var check = Substitute(inst, inst.Health, slot);
        try
        {
            if (check.StartsWith("cmd:", StringComparison.Ordinal))
            {
                return await RunHealthCommandAsync(inst, check[4..], cancellationToken).ConfigureAwait(false);
            }

            using var response = await Http.GetAsync(new Uri(check), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // request timeout
        }
    }

    /// <inheritdoc />
    public string DescribeSlot(string instance, int slot)
    {
        var inst = Get(instance);
        var log = Path.Combine(inst.Directory, "run", $"slot-{slot}.log");
        return ReadPid(inst, slot) is { } rec
            ? string.Create(CultureInfo.InvariantCulture, $"process group {rec.Handle.Pgid} ({ProcessGroup.Describe(rec.Handle)}), log {log}")
            : $"no process recorded, log {log}";
    }

    /// <inheritdoc />
    public IReadOnlyList<int> RunningSlots(string instance)
    {
        var inst = Get(instance);
        var slots = new List<int>();
        for (var slot = 0; slot < SlotCount(instance); slot++)
        {
            if (ReadPid(inst, slot) is { } rec && ProcessGroup.IsAlive(rec.Handle))
            {
                slots.Add(slot);
            }
        }

        return slots;
    }

    private static async Task<bool> RunHealthCommandAsync(LocalInstance inst, string command, CancellationToken cancellationToken)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("/bin/sh")
        {
            UseShellExecute = false,
            WorkingDirectory = inst.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(command);
        using var process = System.Diagnostics.Process.Start(psi)!;
        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        var drainOut = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var drainErr = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            await Task.WhenAll(drainOut, drainErr).ConfigureAwait(false);
            return process.ExitCode == 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            return false;
        }
    }

    private async Task StopSlotAsync(LocalInstance inst, int slot, CancellationToken cancellationToken)
    {
        if (ReadPid(inst, slot) is not { } rec)
        {
            return;
        }

        await ProcessGroup.StopAsync(rec.Handle, _group.StopGrace, cancellationToken).ConfigureAwait(false);
        File.Delete(PidPath(inst, slot));
    }

    private int FreeSlot(LocalInstance inst)
    {
        var running = RunningSlots(inst.Name);
        for (var slot = 0; slot < SlotCount(inst.Name); slot++)
        {
            if (!running.Contains(slot))
            {
                return slot;
            }
        }

        return -1;
    }

    private static string Substitute(LocalInstance inst, string text, int slot) => text
        .Replace("{current}", Path.Combine(inst.Directory, "current"), StringComparison.Ordinal)
        .Replace("{dir}", inst.Directory, StringComparison.Ordinal)
        .Replace("{port}", inst.Ports.Count > 0 ? inst.Ports[slot].ToString(CultureInfo.InvariantCulture) : "", StringComparison.Ordinal);

    private static string PidPath(LocalInstance inst, int slot) => Path.Combine(inst.Directory, "run", $"slot-{slot}.pid");

    private readonly record struct PidRecord(ProcessGroup.Handle Handle, string Sha256);

    private static PidRecord? ReadPid(LocalInstance inst, int slot)
    {
        string text;
        try
        {
            text = File.ReadAllText(PidPath(inst, slot));
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        var parts = text.Split(' ', '\n');
        return parts.Length >= 3
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pgid)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            ? new PidRecord(new ProcessGroup.Handle(pgid, start), parts[2])
            : null;
    }

    private LocalInstance Get(string instance) =>
        _byName.TryGetValue(instance, out var inst) ? inst : throw new ArgumentException($"no instance named {instance} in the group", nameof(instance));

    private ReleaseStore Store(string instance) => new(Get(instance).Directory);
}
