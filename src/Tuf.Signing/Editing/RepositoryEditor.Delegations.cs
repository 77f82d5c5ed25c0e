using System.Numerics;
using Tuf.Internal;

namespace Tuf.Signing;

public sealed partial class RepositoryEditor
{
    /// <summary>Snapshot lists every bin (≈180 bytes each); 8192 bins keep it well under clients' default 2 MB cap.</summary>
    private const int MaxBins = 8192;

    /// <summary>
    /// Delegates target paths (shell-style patterns) or SHA-256 hash prefixes of target paths from
    /// <paramref name="from"/> to a new role, and stages that role empty.
    /// </summary>
    /// <param name="name">The new role's name.</param>
    /// <param name="keys">Its keys.</param>
    /// <param name="threshold">How many of them must sign.</param>
    /// <param name="paths">Path patterns (exclusive with <paramref name="hashPrefixes"/>).</param>
    /// <param name="hashPrefixes">Hex prefixes (exclusive with <paramref name="paths"/>).</param>
    /// <param name="terminating">Whether a search that reaches the role stops there.</param>
    /// <param name="from">The delegating role.</param>
    /// <exception cref="SigningException">Invalid name, keys, threshold or paths, or paths that escape the delegator's.</exception>
    public void Delegate(string name, IReadOnlyList<Key> keys, int threshold, IReadOnlyList<string>? paths, IReadOnlyList<string>? hashPrefixes, bool terminating, string from = "targets")
    {
        ArgumentNullException.ThrowIfNull(keys);
        Names.CheckDelegatedRoleName(name);
        if (RoleExists(name))
        {
            throw new SigningException($"role '{name}' already exists");
        }

        var delegator = CheckDelegator(from);
        if (delegator.Targets.Delegations?.SuccinctRoles is not null)
        {
            throw new SigningException($"role '{from}' delegates to hash bins and cannot also delegate by name");
        }

        bool hasPaths = paths is { Count: > 0 };
        bool hasPrefixes = hashPrefixes is { Count: > 0 };
        if (hasPaths == hasPrefixes)
        {
            throw new SigningException("give either --paths or --hash-prefixes");
        }

        if (hasPaths)
        {
            foreach (var p in paths!)
            {
                if (string.IsNullOrEmpty(p) || p.StartsWith('/') || p.Split('/').Any(s => s is ".." or "."))
                {
                    throw new SigningException($"invalid path pattern '{ErrorText.Untrusted(p)}'");
                }
            }
        }
        else
        {
            foreach (var h in hashPrefixes!)
            {
                if (h.Length is 0 or > 64 || !h.All(char.IsAsciiHexDigitLower))
                {
                    throw new SigningException($"invalid hash prefix '{ErrorText.Untrusted(h)}' (lowercase hex, 1 to 64 digits)");
                }
            }
        }

        CheckContainedIn(from, paths, hashPrefixes);
        var ids = KeyIds(keys);
        CheckThreshold(name, ids.Count, threshold);

        var targets = Stage(from).Targets;
        targets.Delegations ??= new Delegations { Roles = new List<DelegatedRole>() };
        targets.Delegations.Roles ??= new List<DelegatedRole>();
        foreach (var key in keys)
        {
            targets.Delegations.Keys[key.ComputeKeyId()] = key;
        }

        targets.Delegations.Roles.Add(new DelegatedRole
        {
            Name = name,
            KeyIds = ids,
            Threshold = threshold,
            Terminating = terminating,
            Paths = hasPaths ? [.. paths!] : null,
            PathHashPrefixes = hasPrefixes ? [.. hashPrefixes!] : null,
        });
        CreateStagedTargetsRole(name);
    }

    /// <summary>
    /// Delegates all of <paramref name="from"/>'s target namespace to <paramref name="bins"/> TAP 15 succinct hash
    /// bins sharing one key set, and stages every bin empty. Targets added to <paramref name="from"/> afterwards go
    /// to their bin.
    /// </summary>
    /// <param name="bins">The number of bins: a power of two from 2 to 8192 (more would push snapshot.json past the 2 MB clients accept).</param>
    /// <param name="keys">The bins' keys.</param>
    /// <param name="threshold">How many of them must sign.</param>
    /// <param name="from">The delegating role.</param>
    /// <param name="namePrefix">The bins' name prefix (bins are <c>PREFIX-HEX</c>).</param>
    /// <exception cref="SigningException">Invalid count, keys or threshold, or the role already delegates.</exception>
    public void DelegateBins(int bins, IReadOnlyList<Key> keys, int threshold = 1, string from = "targets", string namePrefix = "bins")
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (bins < 2 || bins > MaxBins || !BitOperations.IsPow2(bins))
        {
            throw new SigningException($"--bins must be a power of two from 2 to {MaxBins}, not {bins}");
        }

        Names.CheckDelegatedRoleName(namePrefix);
        var delegator = CheckDelegator(from);
        if (delegator.Targets.Delegations is { } existing && (existing.SuccinctRoles is not null || existing.Roles is { Count: > 0 }))
        {
            throw new SigningException($"role '{from}' already delegates; hash bins must be its only delegation");
        }

        var ids = KeyIds(keys);
        CheckThreshold(namePrefix, ids.Count, threshold);
        var succinct = new SuccinctRoles
        {
            NamePrefix = namePrefix,
            BitLength = BitOperations.Log2((uint)bins),
            KeyIds = ids,
            Threshold = threshold,
        };
        foreach (var bin in succinct.GetRoles())
        {
            if (RoleExists(bin))
            {
                throw new SigningException($"role '{bin}' already exists");
            }
        }

        var targets = Stage(from).Targets;
        targets.Delegations = new Delegations { SuccinctRoles = succinct, Roles = null };
        foreach (var key in keys)
        {
            targets.Delegations.Keys[key.ComputeKeyId()] = key;
        }

        foreach (var bin in succinct.GetRoles())
        {
            CreateStagedTargetsRole(bin);
        }
    }

    private RoleState CheckDelegator(string from)
    {
        if (from is "root" or "snapshot" or "timestamp")
        {
            throw new SigningException($"role '{from}' cannot delegate targets");
        }

        if (!RoleExists(from))
        {
            throw new SigningException($"unknown role '{ErrorText.Untrusted(from)}'");
        }

        if (from != "targets" && FindDelegation(from) is { Succinct: not null })
        {
            throw new SigningException($"role '{from}' is a hash bin and cannot delegate further");
        }

        var state = GetRole(from);
        _ = state.Targets;
        return state;
    }

    /// <summary>A delegation may not claim more than its delegator is trusted for.</summary>
    private void CheckContainedIn(string from, IReadOnlyList<string>? paths, IReadOnlyList<string>? hashPrefixes)
    {
        if (from == "targets")
        {
            return;
        }

        var link = FindDelegation(from) ?? throw new SigningException($"role '{from}' is not delegated by any role");
        var parent = link.Named!;
        if (paths is { Count: > 0 })
        {
            foreach (var p in paths)
            {
                // A pattern is inside the delegator's when, read as a path, it matches one of the delegator's patterns.
                if (parent.Paths is null || !parent.Paths.Any(pp => PathPattern.IsMatch(p, pp)))
                {
                    throw new SigningException($"path pattern '{ErrorText.Untrusted(p)}' escapes the paths delegated to '{from}'");
                }
            }
        }
        else
        {
            foreach (var h in hashPrefixes!)
            {
                if (parent.PathHashPrefixes is null || !parent.PathHashPrefixes.Any(ph => h.StartsWith(ph, StringComparison.Ordinal)))
                {
                    throw new SigningException($"hash prefix '{h}' escapes the hash prefixes delegated to '{from}'");
                }
            }
        }
    }

    private static List<string> KeyIds(IReadOnlyList<Key> keys)
    {
        var ids = new List<string>();
        foreach (var key in keys)
        {
            string id = key.ComputeKeyId();
            if (!ids.Contains(id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }
}
