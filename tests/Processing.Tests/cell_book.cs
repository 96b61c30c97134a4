using PitPlatform.Contracts.Events.V1;
using PitPlatform.Processing.Nav;
using Xunit;

namespace PitPlatform.Processing.Tests;

public sealed class cell_book
{
    private static TradeFillEvent Fill(TradeSide side, long quantity, long price, long fee = 0, string instrument = "ACME", string currency = "USD") =>
        new() { Instrument = instrument, Side = side, Quantity = quantity, PriceMicros = price, FeeMicros = fee, Currency = currency };

    [Fact]
    public void a_buy_moves_cash_into_the_position_and_the_fee_out_of_nav()
    {
        var book = new CellBook([], []);
        var nav = book.Apply(Fill(TradeSide.Buy, 100, 12_500_000, fee: 1_000_000));
        Assert.Equal(new NavSnapshot("USD", -1_000_000, -1_251_000_000, 1_250_000_000, 1), nav);
    }

    [Fact]
    public void a_sell_marks_the_remaining_position_at_the_last_price()
    {
        var book = new CellBook([], []);
        book.Apply(Fill(TradeSide.Buy, 100, 12_500_000));
        var nav = book.Apply(Fill(TradeSide.Sell, 40, 13_000_000, fee: 500_000));
        // cash -1250 + 520 - 0.5 = -730.5; 60 x 13 = 780; NAV 49.5
        Assert.Equal(new NavSnapshot("USD", 49_500_000, -730_500_000, 780_000_000, 2), nav);
    }

    [Fact]
    public void nav_in_a_currency_counts_only_positions_in_that_currency()
    {
        var book = new CellBook([], []);
        book.Apply(Fill(TradeSide.Buy, 10, 100_000_000, currency: "EUR", instrument: "SAP"));
        var nav = book.Apply(Fill(TradeSide.Buy, 1, 5_000_000));
        Assert.Equal(new NavSnapshot("USD", 0, -5_000_000, 5_000_000, 1), nav);
    }

    [Fact]
    public void overflow_is_an_error_and_leaves_the_book_unchanged()
    {
        var book = new CellBook([new CashBalance("USD", 7, 1)], [new Position("ACME", "USD", 1, 1)]);
        Assert.Throws<OverflowException>(() => book.Apply(Fill(TradeSide.Buy, 1_000_000_000_000, long.MaxValue / 1000)));
        Assert.Equal(7, book.Cash.Single().CashMicros);
        Assert.Equal(1, book.Positions.Single().Quantity);
    }

    [Fact]
    public void an_instrument_traded_in_a_second_currency_is_refused()
    {
        var book = new CellBook([], []);
        book.Apply(Fill(TradeSide.Buy, 1, 1_000_000));
        Assert.Throws<InvalidFillException>(() => book.Apply(Fill(TradeSide.Buy, 1, 1_000_000, currency: "EUR")));
    }

    [Fact]
    public void the_processor_and_its_tests_keep_money_out_of_floating_point()
    {
        // Money is integer micros end to end: no float or double in any type of the processing assembly.
        var floating = typeof(CellBook).Assembly.GetTypes()
            .SelectMany(t => t.GetProperties().Select(p => (t, p.Name, p.PropertyType))
                .Concat(t.GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic)
                    .Select(f => (t, f.Name, f.FieldType))))
            .Where(x => x.Item3 == typeof(double) || x.Item3 == typeof(float) || x.Item3 == typeof(decimal))
            .Select(x => $"{x.t.Name}.{x.Name}")
            .ToList();
        Assert.Empty(floating);
    }
}
