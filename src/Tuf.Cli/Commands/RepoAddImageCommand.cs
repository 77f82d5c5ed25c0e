using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tuf.Client.Registry;
using Tuf.Signing;

namespace Tuf.Cli.Commands;

/// <summary>
/// <c>tuf repo add-image REPO IMAGE[:TAG] [--as NAME] [--role ROLE] [--digest sha256:HEX --size N]</c>: stages an image
/// tag as a target the way Docker Content Trust signs it: length and sha256 of the image's manifest (an index for a
/// multi-platform image), with <c>custom</c> naming the image and the manifest's media type.
/// </summary>
internal static class RepoAddImageCommand
{
    public static Command Create()
    {
        var dir = RepoCommand.DirArgument();
        var image = new Argument<string>("IMAGE") { Description = "The image: [REGISTRY/]REPOSITORY[:TAG] (tag 'latest' when none), or REPOSITORY@sha256:HEX" };
        var asName = new Option<string>("--as") { Description = "The target name (default: the tag)", HelpName = "NAME" };
        var role = new Option<string>("--role") { Description = "The targets role to add to (default: targets, or its hash bins)", HelpName = "ROLE" };
        var digest = new Option<string>("--digest") { Description = "The manifest digest (sha256:HEX) from 'docker push': do not ask the registry", HelpName = "DIGEST" };
        var size = new Option<long?>("--size") { Description = "The manifest's length in bytes (with --digest)", HelpName = "N" };
        var mediaType = new Option<string>("--media-type") { Description = "The manifest's media type (with --digest; recorded in custom)", HelpName = "TYPE" };
        var plainHttp = new Option<bool>("--plain-http") { Description = "Talk to the registry over http:// (loopback registries always are)" };
        var command = new Command("add-image", "Stage an image tag as a target: the length and sha256 of its manifest, read from the registry (or given)")
        {
            dir, image, asName, role, digest, size, mediaType, plainHttp,
        };
        command.SetGuardedAction(async (parse, cancellationToken) =>
        {
            ImageReference reference;
            try
            {
                reference = ImageReference.Parse(parse.GetValue(image)!);
            }
            catch (FormatException ex)
            {
                throw new UsageException(ex.Message);
            }

            string? givenDigest = parse.GetValue(digest);
            long? givenSize = parse.GetValue(size);
            if (givenDigest is not null && !ImageReference.IsDigest(givenDigest))
            {
                throw new UsageException($"--digest '{givenDigest}' is not sha256: followed by 64 lowercase hex digits");
            }

            if ((givenDigest is null) != (givenSize is null))
            {
                throw new UsageException("--digest and --size go together");
            }

            if (givenSize is { } n && (n < 1 || n > RegistryClient.MaxManifestBytes))
            {
                throw new UsageException($"--size must be between 1 and {RegistryClient.MaxManifestBytes.ToString(CultureInfo.InvariantCulture)} bytes (a manifest's length)");
            }

            if (parse.GetValue(mediaType) is not null && givenDigest is null)
            {
                throw new UsageException("--media-type goes with --digest (otherwise the registry says it)");
            }

            string tag = reference.Tag ?? (reference.Digest is null ? "latest" : "");
            string name = parse.GetValue(asName) ?? (tag.Length > 0 ? tag : throw new UsageException("an image given by digest needs --as NAME"));

            // Open the repository first: a wrong folder is reported before the registry is asked.
            var editor = RepoCommand.Open(parse, dir);
            string manifestDigest;
            long length;
            string? type;
            if (givenDigest is not null)
            {
                (manifestDigest, length, type) = (givenDigest, givenSize!.Value, parse.GetValue(mediaType));
            }
            else
            {
                using var registry = new RegistryClient(plainHttp: parse.GetValue(plainHttp));
                var manifest = await registry.GetManifestAsync(reference, reference.Digest ?? tag, cancellationToken).ConfigureAwait(false);
                (manifestDigest, length, type) = (manifest.Digest, manifest.Bytes.Length, manifest.MediaType);
            }

            using var customJson = JsonDocument.Parse(CustomJson(reference.Name, type));
            var entry = editor.AddTargetHash(name, length, new Dictionary<string, string> { ["sha256"] = manifestDigest["sha256:".Length..] }, parse.GetValue(role), customJson.RootElement);
            editor.Save();
            Console.Out.WriteLine($"staged {entry.Path}: {reference.PinnedTo(manifestDigest)} ({length} bytes{(type is null ? "" : ", " + type)})");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary><c>{"image": NAME, "mediaType": TYPE}</c> (no media type when unknown).</summary>
    private static byte[] CustomJson(string image, string? mediaType)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("image", image);
            if (mediaType is not null)
            {
                writer.WriteString("mediaType", mediaType);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
