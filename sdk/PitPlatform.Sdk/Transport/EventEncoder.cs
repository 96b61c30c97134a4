using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using PitPlatform.Sdk.Events;
using PitPlatform.Sdk.Results;
using PitPlatform.Sdk.Schema;

namespace PitPlatform.Sdk.Transport;

/// <summary>
/// Writes events as JSON and validates them against the embedded schema. One per thread of work (not thread-safe).
/// </summary>
[SuppressMessage(
    "Reliability",
    "CA1001",
    Justification = "A Utf8JsonWriter over an ArrayBufferWriter holds no resource."
)]
internal sealed class EventEncoder(EventSchemaValidator validator)
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private Utf8JsonWriter? _writer;

    /// <summary>
    /// The event's JSON, or null with the reasons it breaks the schema (pointers under <paramref name="pointer"/>).
    /// </summary>
    public EncodedEvent? Encode(PitEvent pitEvent, string pointer, out List<PitEventError>? errors)
    {
        _buffer.ResetWrittenCount();
        if (_writer is null)
            _writer = new Utf8JsonWriter(_buffer);
        else
            _writer.Reset(_buffer);
        try
        {
            pitEvent.WriteTo(_writer);
            _writer.Flush();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Invalid UTF-16 text or a payload that is not JSON: the event cannot be sent, which is a validation
            // outcome.
            errors =
            [
                new PitEventError(
                    PitEventError.Validation,
                    $"the event cannot be written as JSON: {e.Message}",
                    pointer
                ),
            ];
            _writer = null;
            return null;
        }
        var json = _buffer.WrittenSpan.ToArray();
        if (validator.IsCertainlyValid(json))
        {
            errors = null;
            return new EncodedEvent(pitEvent, json);
        }
        using (var document = JsonDocument.Parse(json))
            errors = validator.Validate(document.RootElement, pointer);
        return errors is null ? new EncodedEvent(pitEvent, json) : null;
    }
}
