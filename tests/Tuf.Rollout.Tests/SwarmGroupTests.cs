using System.Text.Json.Nodes;
using Tuf.Rollout.Local;
using Tuf.Rollout.Swarm;

namespace Tuf.Rollout.Tests;

public sealed class SwarmGroupTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tuf-swarm-group-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private object Load(string json)
    {
        string path = Path.Combine(_dir, "group.json");
        File.WriteAllText(path, json);
        return RolloutGroup.Load(path);
    }

    [Fact]
    public void Load_SwarmGroup_ReadsServiceImageAndDaemon()
    {
        var group = Assert.IsType<SwarmGroup>(Load("""{ "provider": "swarm", "service": "web", "image": "127.0.0.1:5000/web", "docker": "unix:///run/d.sock" }"""));

        Assert.Equal("web", group.Service);
        Assert.Equal("127.0.0.1:5000/web", group.Image.Name);
        Assert.Equal("unix:///run/d.sock", group.Docker);
        Assert.Equal(Path.Combine(_dir, "group.json.state"), group.StateDirectory);
    }

    [Fact]
    public void Load_LocalGroup_StillALocalGroup()
    {
        Assert.IsType<GroupFile>(Load("""{ "provider": "local", "instances": [ { "name": "a", "dir": "a", "start": "true", "health": "cmd:true" } ] }"""));
    }

    [Theory]
    [InlineData("""{ "provider": "k8s" }""", "\"provider\" must be \"local\" or \"swarm\"")]
    [InlineData("""{ "provider": "swarm", "image": "127.0.0.1:5000/web" }""", "\"service\" is required")]
    [InlineData("""{ "provider": "swarm", "service": "web" }""", "\"image\" is required")]
    [InlineData("""{ "provider": "swarm", "service": "web", "image": "127.0.0.1:5000/web:v1" }""", "names the repository only")]
    [InlineData("""{ "provider": "swarm", "service": "web;rm", "image": "127.0.0.1:5000/web" }""", "must be a service name or ID")]
    [InlineData("""{ "provider": "swarm", "service": "web", "image": "127.0.0.1:5000/web", "docker": "ssh://host" }""", "\"docker\" must be unix:///PATH")]
    public void Load_BadSwarmGroup_SaysWhichField(string json, string error)
    {
        var ex = Assert.Throws<FormatException>(() => Load(json));

        Assert.Contains(error, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_PinsTheImageSetsSwarmsKnobsAndKeepsTheRestOfTheSpec()
    {
        var spec = JsonNode.Parse("""
            { "Name": "web", "Labels": { "team": "a" },
              "TaskTemplate": { "ContainerSpec": { "Image": "127.0.0.1:5000/web:v1", "Env": ["A=1"] }, "RestartPolicy": { "Condition": "any" } },
              "Mode": { "Replicated": { "Replicas": 0 } } }
            """)!.AsObject();
        var settings = new RolloutSettings(
            new RolloutStrategy { Parallelism = 2, Delay = TimeSpan.FromSeconds(3), Monitor = TimeSpan.FromMilliseconds(1500), MaxFailureRatio = 0.25, FailureAction = FailureAction.Rollback, Order = UpdateOrder.StartFirst },
            new RolloutStrategy { FailureAction = FailureAction.Rollback });

        var updated = SwarmUpdateConfig.Apply(spec, "127.0.0.1:5000/web@sha256:" + new string('a', 64), settings, replicas: 3);

        Assert.Equal("127.0.0.1:5000/web@sha256:" + new string('a', 64), updated["TaskTemplate"]!["ContainerSpec"]!["Image"]!.GetValue<string>());
        Assert.Equal("A=1", updated["TaskTemplate"]!["ContainerSpec"]!["Env"]![0]!.GetValue<string>());
        Assert.Equal("a", updated["Labels"]!["team"]!.GetValue<string>());
        Assert.Equal(3, updated["Mode"]!["Replicated"]!["Replicas"]!.GetValue<long>());
        var update = updated["UpdateConfig"]!;
        Assert.Equal(2, update["Parallelism"]!.GetValue<int>());
        Assert.Equal(3_000_000_000L, update["Delay"]!.GetValue<long>());
        Assert.Equal(1_500_000_000L, update["Monitor"]!.GetValue<long>());
        Assert.Equal(0.25, update["MaxFailureRatio"]!.GetValue<double>());
        Assert.Equal("rollback", update["FailureAction"]!.GetValue<string>());
        Assert.Equal("start-first", update["Order"]!.GetValue<string>());
        Assert.Equal("pause", updated["RollbackConfig"]!["FailureAction"]!.GetValue<string>()); // a rollback is never rolled back
        Assert.Equal("127.0.0.1:5000/web:v1", spec["TaskTemplate"]!["ContainerSpec"]!["Image"]!.GetValue<string>()); // the original is untouched
    }
}
