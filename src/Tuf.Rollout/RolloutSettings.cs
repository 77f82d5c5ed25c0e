namespace Tuf.Rollout;

/// <summary>The strategy of the update and the (separate, same-shaped) strategy of its rollback.</summary>
/// <param name="Update">Knobs of the forward update.</param>
/// <param name="Rollback">Knobs of the rollback; its failure action can only pause or continue (a rollback is never rolled back).</param>
public sealed record RolloutSettings(RolloutStrategy Update, RolloutStrategy Rollback)
{
    /// <summary>Docker's defaults for both directions.</summary>
    public static RolloutSettings Default { get; } = new(new RolloutStrategy(), new RolloutStrategy());

    /// <summary>Validates both strategies.</summary>
    public void Validate()
    {
        Update.Validate();
        Rollback.Validate();
    }
}
