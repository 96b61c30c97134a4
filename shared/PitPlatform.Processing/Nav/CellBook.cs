using PitPlatform.Contracts;
using PitPlatform.Contracts.Events.V1;

namespace PitPlatform.Processing.Nav;

/// <summary>
/// The cash (per currency) and positions (per instrument) of one cell, and the NAV they add up to. All amounts are
/// integer micros (<see cref="Money"/>); every operation is checked, so an overflow is an
/// <see cref="OverflowException"/>, never a wrap.
/// Apply works on copies and only commits them when the whole fill went through. The book remembers what changed
/// since it was loaded, so saving it writes only those rows.
/// </summary>
public sealed class CellBook
{
    private readonly Dictionary<string, CashBalance> _cash;
    private readonly Dictionary<string, Position> _positions;
    private readonly HashSet<string> _changedCash = new(StringComparer.Ordinal);
    private readonly HashSet<string> _changedPositions = new(StringComparer.Ordinal);

    public CellBook(IEnumerable<CashBalance> cash, IEnumerable<Position> positions)
    {
        _cash = cash.ToDictionary(c => c.Currency, StringComparer.Ordinal);
        _positions = positions.ToDictionary(p => p.Instrument, StringComparer.Ordinal);
    }

    public IReadOnlyCollection<CashBalance> Cash => _cash.Values;
    public IReadOnlyCollection<Position> Positions => _positions.Values;

    /// <summary>Cash balances changed since the book was loaded.</summary>
    public IEnumerable<CashBalance> ChangedCash => _changedCash.Select(c => _cash[c]);

    /// <summary>Positions changed since the book was loaded.</summary>
    public IEnumerable<Position> ChangedPositions => _changedPositions.Select(i => _positions[i]);

    /// <summary>Applies a fill and returns the cell's NAV in the fill's currency afterwards.</summary>
    /// <exception cref="OverflowException">an amount left the range of a 64-bit integer of micros</exception>
    /// <exception cref="InvalidFillException">the fill contradicts the book (an instrument traded in two
    /// currencies)</exception>
    public NavSnapshot Apply(TradeFillEvent fill)
    {
        if (_positions.TryGetValue(fill.Instrument, out var held) && held.Currency != fill.Currency)
            throw new InvalidFillException(
                $"{fill.Instrument} is held in {held.Currency}, the fill is in {fill.Currency}"
            );
        var price = new Money(fill.PriceMicros, fill.Currency);
        var fee = new Money(fill.FeeMicros, fill.Currency);
        var notional = price.Times(fill.Quantity);
        var cashDelta = fill.Side == TradeSide.Buy ? -notional - fee : notional - fee;
        var quantityDelta = fill.Side == TradeSide.Buy ? fill.Quantity : -fill.Quantity;

        var cash = _cash.GetValueOrDefault(fill.Currency) ?? new CashBalance(fill.Currency, 0, 0);
        var newCashMoney = new Money(cash.CashMicros, fill.Currency) + cashDelta;
        var newCash = new CashBalance(fill.Currency, newCashMoney.Micros, cash.FillsApplied + 1);
        var newPosition = new Position(
            fill.Instrument,
            fill.Currency,
            checked((held?.Quantity ?? 0) + quantityDelta),
            fill.PriceMicros
        );

        var positionsValue = Money.Zero(fill.Currency);
        foreach (var position in _positions.Values)
        {
            if (position.Currency == fill.Currency && position.Instrument != fill.Instrument)
                positionsValue += new Money(position.LastPriceMicros, position.Currency).Times(position.Quantity);
        }
        positionsValue += price.Times(newPosition.Quantity);
        var nav = newCashMoney + positionsValue;

        _cash[fill.Currency] = newCash;
        _positions[fill.Instrument] = newPosition;
        _changedCash.Add(fill.Currency);
        _changedPositions.Add(fill.Instrument);
        return new NavSnapshot(
            fill.Currency,
            nav.Micros,
            newCash.CashMicros,
            positionsValue.Micros,
            newCash.FillsApplied
        );
    }
}

public sealed record CashBalance(string Currency, long CashMicros, long FillsApplied);

public sealed record Position(string Instrument, string Currency, long Quantity, long LastPriceMicros);

public sealed record NavSnapshot(
    string Currency,
    long NavMicros,
    long CashMicros,
    long PositionsValueMicros,
    long FillsApplied
);

/// <summary>A fill that cannot be applied to the book as it stands; the record is dead-lettered.</summary>
public sealed class InvalidFillException(string message) : Exception(message);
