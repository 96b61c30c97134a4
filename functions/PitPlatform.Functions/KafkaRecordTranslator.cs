using System.Globalization;
using System.Text;
using System.Text.Json;
using PitPlatform.Contracts.Consuming;

namespace PitPlatform.Functions;

/// <summary>
/// Turns what a batched Kafka trigger delivers into <see cref="ConsumedRecord"/>s.
/// <para>
/// Worker Kafka extension 4.1.3 has no <c>KafkaRecord</c> (it arrives in 4.2.0), so the trigger binds the raw values
/// as <c>byte[][]</c> and everything else comes as binding data, one array entry per record in trigger order
/// (host extension, KafkaTriggerBindingStrategy.AddBindingData): PartitionArray (int), OffsetArray (long),
/// TopicArray (string), TimestampArray (DateTime, UTC), KeyArray (the key decoded as UTF-8 text) and HeadersArray
/// (per record a list of {Key, Value} with Value as base64). Over gRPC the worker sees each array either as a typed
/// collection (long, string, double) or as JSON text; both are accepted.
/// </para>
/// <para>
/// Keys are re-encoded as UTF-8, so textual keys round-trip and non-UTF-8 key bytes do not; a null header value
/// becomes an empty one. Anything missing or malformed throws: the invocation fails and is retried, and nothing of
/// the batch is committed, rather than records being dropped or misread silently.
/// When the worker extension with <c>KafkaRecord</c> is pinned, map <c>KafkaRecord[]</c> here instead.
/// </para>
/// </summary>
public static class KafkaRecordTranslator
{
    public const string PartitionArray = "PartitionArray";
    public const string OffsetArray = "OffsetArray";
    public const string TopicArray = "TopicArray";
    public const string TimestampArray = "TimestampArray";
    public const string KeyArray = "KeyArray";
    public const string HeadersArray = "HeadersArray";

    private static readonly IReadOnlyList<KeyValuePair<string, byte[]>> NoHeaders = [];

    public static IReadOnlyList<ConsumedRecord> Translate(
        IReadOnlyList<byte[]?> values,
        IReadOnlyDictionary<string, object?> bindingData
    )
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(bindingData);
        if (values.Count == 0)
            return [];

        var partitions = Column(bindingData, PartitionArray, values.Count);
        var offsets = Column(bindingData, OffsetArray, values.Count);
        var topics = Column(bindingData, TopicArray, values.Count);
        var timestamps = Column(bindingData, TimestampArray, values.Count);
        var keys = Column(bindingData, KeyArray, values.Count);
        var headers = Column(bindingData, HeadersArray, values.Count);

        var records = new ConsumedRecord[values.Count];
        for (var i = 0; i < records.Length; i++)
        {
            records[i] = new ConsumedRecord(
                Topic: ReadTopic(topics[i], i),
                Partition: checked((int)ReadInteger(partitions[i], PartitionArray, i)),
                Offset: ReadInteger(offsets[i], OffsetArray, i),
                Key: ReadKey(keys[i]),
                Value: values[i] ?? [],
                Timestamp: ReadTimestamp(timestamps[i], i),
                Headers: ReadHeaders(headers[i], i)
            );
        }

        return records;
    }

    /// <summary>One binding-data array as JSON elements, checked to hold one entry per record.</summary>
    private static JsonElement[] Column(IReadOnlyDictionary<string, object?> bindingData, string name, int count)
    {
        if (!bindingData.TryGetValue(name, out var raw) || raw is null)
            throw Malformed($"binding data '{name}' is missing (the Kafka trigger must have IsBatched = true)");

        var array = raw switch
        {
            JsonElement element => element,
            string json => Parse(json, name),
            IEnumerable<long> numbers => JsonSerializer.SerializeToElement(numbers.ToArray()),
            IEnumerable<double> numbers => JsonSerializer.SerializeToElement(numbers.ToArray()),
            IEnumerable<string> texts => JsonSerializer.SerializeToElement(texts.ToArray()),
            _ => throw Malformed($"binding data '{name}' has unexpected type {raw.GetType().FullName}"),
        };
        if (array.ValueKind != JsonValueKind.Array)
            throw Malformed($"binding data '{name}' is a JSON {array.ValueKind}, not an array");

        var items = array.EnumerateArray().ToArray();
        if (items.Length != count)
            throw Malformed($"binding data '{name}' has {items.Length} entries for {count} records");
        return items;
    }

    private static JsonElement Parse(string json, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw Malformed($"binding data '{name}' is not JSON: {e.Message}");
        }
    }

    private static string ReadTopic(JsonElement item, int index) =>
        item.ValueKind == JsonValueKind.String && item.GetString() is { Length: > 0 } topic
            ? topic
            : throw Malformed($"{TopicArray}[{index}] is not a topic name");

    private static long ReadInteger(JsonElement item, string name, int index)
    {
        if (item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var number))
            return number;
        if (
            item.ValueKind == JsonValueKind.String
            && long.TryParse(item.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed)
        )
            return parsed;
        throw Malformed($"{name}[{index}] is not an integer");
    }

    private static DateTimeOffset ReadTimestamp(JsonElement item, int index)
    {
        if (
            item.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(
                item.GetString(),
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var timestamp
            )
        )
            return timestamp;
        if (item.ValueKind == JsonValueKind.Number && item.TryGetInt64(out var unixMilliseconds))
            return DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);
        throw Malformed($"{TimestampArray}[{index}] is not a timestamp");
    }

    private static byte[]? ReadKey(JsonElement item) =>
        item.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            JsonValueKind.String => Encoding.UTF8.GetBytes(item.GetString()!),
            _ => Encoding.UTF8.GetBytes(item.GetRawText()),
        };

    private static IReadOnlyList<KeyValuePair<string, byte[]>> ReadHeaders(JsonElement item, int index)
    {
        if (item.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return NoHeaders;
        if (item.ValueKind != JsonValueKind.Array)
            throw Malformed($"{HeadersArray}[{index}] is not a list of headers");

        var headers = new List<KeyValuePair<string, byte[]>>(item.GetArrayLength());
        foreach (var header in item.EnumerateArray())
        {
            if (header.ValueKind != JsonValueKind.Object)
                throw Malformed($"{HeadersArray}[{index}] holds a non-object header");
            string? key = null;
            var value = Array.Empty<byte>();
            foreach (var property in header.EnumerateObject())
            {
                if (string.Equals(property.Name, "Key", StringComparison.OrdinalIgnoreCase))
                    key = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                else if (string.Equals(property.Name, "Value", StringComparison.OrdinalIgnoreCase))
                    value = ReadHeaderValue(property.Value, index);
            }

            if (key is null)
                throw Malformed($"{HeadersArray}[{index}] has a header without a key");
            headers.Add(new KeyValuePair<string, byte[]>(key, value));
        }

        return headers;
    }

    private static byte[] ReadHeaderValue(JsonElement value, int index)
    {
        if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
            return [];
        if (value.ValueKind == JsonValueKind.String && value.TryGetBytesFromBase64(out var bytes))
            return bytes;
        throw Malformed($"{HeadersArray}[{index}] has a header value that is not base64");
    }

    private static InvalidOperationException Malformed(string problem) =>
        new("Kafka trigger data cannot be read: " + problem);
}
