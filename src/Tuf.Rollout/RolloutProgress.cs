namespace Tuf.Rollout;

/// <summary>A progress report from the rolling updater (for live displays).</summary>
/// <param name="State">The rollout state after the event.</param>
/// <param name="Instance">The instance concerned, if any.</param>
/// <param name="Message">What happened.</param>
public sealed record RolloutProgress(RolloutState State, string? Instance, string Message);
