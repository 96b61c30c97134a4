namespace PitPlatform.Billing.Stripe;

/// <summary>
/// A Stripe request body: application/x-www-form-urlencoded pairs, nested objects flattened the way Stripe expects
/// (<c>payload[stripe_customer_id]=cus_...</c>). Order is kept, so the same request always encodes the same way.
/// </summary>
public sealed class StripeForm
{
    private readonly List<KeyValuePair<string, string>> _fields = [];

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    public StripeForm Add(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _fields.Add(new(name, value));
        return this;
    }

    public StripeForm Add(string name, long value) => Add(name, value.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Adds <c>name[key]=value</c> for each entry of a nested object.</summary>
    public StripeForm AddObject(string name, IEnumerable<KeyValuePair<string, string>> entries)
    {
        foreach (var (key, value) in entries) Add($"{name}[{key}]", value);
        return this;
    }

    /// <summary>The encoded body, as sent.</summary>
    public string Encode() => string.Join('&', _fields.Select(f => Uri.EscapeDataString(f.Key) + "=" + Uri.EscapeDataString(f.Value)));
}
