namespace PitPlatform.Sdk.Events;

/// <summary>The side of a trade fill.</summary>
public enum TradeSide
{
    /// <summary>A purchase: cash goes down, the position up.</summary>
    Buy,

    /// <summary>A sale: cash goes up, the position down.</summary>
    Sell,
}
