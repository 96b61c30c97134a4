using System.Globalization;

namespace PitPlatform.Contracts;

/// <summary>
/// An amount of money: integer micros (1 unit = 1,000,000 micros) in an ISO 4217 currency. Arithmetic is checked:
/// leaving the range of 64-bit micros is a <see cref="MoneyOverflowException"/>, and mixing currencies is a
/// <see cref="CurrencyMismatchException"/>; nothing ever wraps or converts silently. Floating point never appears:
/// decimal text exists for display only.
/// </summary>
public readonly record struct Money
{
    public const long MicrosPerUnit = 1_000_000;

    public Money(long micros, string currency)
    {
        if (!IsCurrencyCode(currency))
            throw new ArgumentException($"'{currency}' is not an ISO 4217 currency code", nameof(currency));
        Micros = micros;
        Currency = currency;
    }

    /// <summary>An operation's result: its currency was checked when its operands were made.</summary>
    private Money(string currency, long micros)
    {
        Micros = micros;
        Currency = currency;
    }

    public long Micros { get; }
    public string Currency { get; }

    public static Money Zero(string currency) => new(0, currency);

    public static Money operator +(Money a, Money b)
    {
        SameCurrency(a, b);
        try
        {
            return new Money(a.Currency, checked(a.Micros + b.Micros));
        }
        catch (OverflowException)
        {
            throw Overflow(a, "+", b);
        }
    }

    public static Money operator -(Money a, Money b)
    {
        SameCurrency(a, b);
        try
        {
            return new Money(a.Currency, checked(a.Micros - b.Micros));
        }
        catch (OverflowException)
        {
            throw Overflow(a, "-", b);
        }
    }

    public static Money operator -(Money a)
    {
        try
        {
            return new Money(a.Currency, checked(-a.Micros));
        }
        catch (OverflowException)
        {
            throw Overflow(a, "negated", "");
        }
    }

    /// <summary>Price times a whole quantity (a fill's notional).</summary>
    public Money Times(long quantity)
    {
        try
        {
            return new Money(Currency, checked(Micros * quantity));
        }
        catch (OverflowException)
        {
            throw Overflow(this, "x", quantity);
        }
    }

    /// <summary>Decimal text for display, e.g. "-1250.000000 USD". Never parse it back into a float.</summary>
    public override string ToString() => $"{ToDecimalString()} {Currency}";

    public string ToDecimalString()
    {
        var units = Micros / MicrosPerUnit;
        var fraction = Math.Abs(Micros % MicrosPerUnit);
        var sign = Micros < 0 && units == 0 ? "-" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{units}.{fraction:D6}");
    }

    // Indexed rather than code.All(...): that enumerates the string through an allocated enumerator, once per amount.
    public static bool IsCurrencyCode(string? code) =>
        code is { Length: 3 }
        && char.IsAsciiLetterUpper(code[0])
        && char.IsAsciiLetterUpper(code[1])
        && char.IsAsciiLetterUpper(code[2]);

    private static void SameCurrency(Money a, Money b)
    {
        if (a.Currency != b.Currency)
            throw new CurrencyMismatchException(a.Currency, b.Currency);
    }

    private static MoneyOverflowException Overflow(Money left, string operation, object right) =>
        new($"{left} {operation} {right} exceeds 64-bit micros");
}

/// <summary>An amount left the range of 64-bit micros.</summary>
public sealed class MoneyOverflowException(string message) : OverflowException(message);

/// <summary>Two currencies met in one operation.</summary>
public sealed class CurrencyMismatchException(string left, string right)
    : InvalidOperationException($"cannot combine {left} with {right}")
{
    public string Left { get; } = left;
    public string Right { get; } = right;
}
