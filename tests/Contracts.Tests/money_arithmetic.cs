using Xunit;

namespace PitPlatform.Contracts.Tests;

public sealed class money_arithmetic
{
    private static Money Usd(long micros) => new(micros, "USD");

    [Fact]
    public void sums_and_products_are_exact_in_micros()
    {
        Assert.Equal(Usd(-1_251_000_000), -Usd(12_500_000).Times(100) - Usd(1_000_000));
    }

    [Theory]
    [InlineData(long.MaxValue, 1)]
    [InlineData(long.MinValue, -1)]
    public void overflow_is_a_typed_error_never_a_wrap(long start, long add)
    {
        Assert.Throws<MoneyOverflowException>(() => Usd(start) + Usd(add));
    }

    [Fact]
    public void a_product_past_64_bits_is_a_typed_error()
    {
        Assert.Throws<MoneyOverflowException>(() => Usd(long.MaxValue / 2).Times(3));
        Assert.Throws<MoneyOverflowException>(() => -Usd(long.MinValue));
    }

    [Fact]
    public void mixing_currencies_is_an_error()
    {
        var error = Assert.Throws<CurrencyMismatchException>(() => Usd(1) + new Money(1, "EUR"));
        Assert.Equal(("USD", "EUR"), (error.Left, error.Right));
    }

    [Theory]
    [InlineData("usd")]
    [InlineData("US")]
    [InlineData("USDX")]
    [InlineData("")]
    public void a_currency_must_be_an_iso_4217_code(string code)
    {
        Assert.Throws<ArgumentException>(() => new Money(1, code));
    }

    [Theory]
    [InlineData(-1_250_000_000, "-1250.000000 USD")]
    [InlineData(12_500_001, "12.500001 USD")]
    [InlineData(-1, "-0.000001 USD")]
    [InlineData(0, "0.000000 USD")]
    [InlineData(long.MinValue, "-9223372036854.775808 USD")]
    public void decimal_text_is_for_display_and_exact(long micros, string text)
    {
        Assert.Equal(text, Usd(micros).ToString());
    }
}
