using PitPlatform.Contracts.Events.V1;
using PitPlatform.Processing.Nav;
using Xunit;

namespace PitPlatform.Processing.Tests;

public sealed class cell_book
{
    private static TradeFillEvent Fill(
        TradeSide side,
        long quantity,
        long price,
        long fee = 0,
        string instrument = "ACME",
        string currency = "USD"
    ) =>
        new()
        {
            Instrument = instrument,
            Side = side,
            Quantity = quantity,
            PriceMicros = price,
            FeeMicros = fee,
            Currency = currency,
        };

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
        Assert.Throws<Contracts.MoneyOverflowException>(() =>
            book.Apply(Fill(TradeSide.Buy, 1_000_000_000_000, long.MaxValue / 1000))
        );
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
    public void no_production_type_holds_a_float_double_or_decimal()
    {
        // Money is integer micros end to end; decimal text exists for display only.
        var assemblies = new[]
        {
            typeof(CellBook).Assembly,
            typeof(Contracts.Money).Assembly,
            typeof(Ingestion.IngestEventsHandler).Assembly,
            typeof(Access.ApiKeys.ApiKeyStore).Assembly,
            typeof(Infrastructure.Kafka.EnvelopeProducer).Assembly,
            typeof(Billing.Metering.BillingReporter).Assembly,
        };
        const System.Reflection.BindingFlags all =
            System.Reflection.BindingFlags.Instance
            | System.Reflection.BindingFlags.Static
            | System.Reflection.BindingFlags.Public
            | System.Reflection.BindingFlags.NonPublic
            | System.Reflection.BindingFlags.DeclaredOnly;
        var floating = assemblies
            .SelectMany(a => a.GetTypes())
            .SelectMany(t =>
                t.GetProperties(all)
                    .Select(p => (t, Name: p.Name, Type: p.PropertyType))
                    .Concat(t.GetFields(all).Select(f => (t, Name: f.Name, Type: f.FieldType)))
                    .Concat(
                        t.GetMethods(all)
                            .SelectMany(m =>
                                m.GetParameters().Select(p => (t, Name: $"{m.Name}({p.Name})", Type: p.ParameterType))
                            )
                    )
            )
            .Where(x => x.Type == typeof(double) || x.Type == typeof(float) || x.Type == typeof(decimal))
            .Select(x => $"{x.t.FullName}.{x.Name}")
            .ToList();
        Assert.Empty(floating);
    }
}
