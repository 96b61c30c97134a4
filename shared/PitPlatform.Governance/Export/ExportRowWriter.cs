using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace PitPlatform.Governance.Export;

/// <summary>
/// Writes the current row of a reader as a JSON object of its columns, each in a fixed typed form: integers as
/// numbers (money stays integer micros), text as strings, timestamps as RFC 3339 UTC with microseconds, dates as
/// yyyy-MM-dd, uuids as strings, bytea as lower-case hex, arrays as arrays and json/jsonb as the JSON itself.
/// </summary>
internal sealed class ExportRowWriter
{
    private readonly string[] _names;
    private readonly Action<Utf8JsonWriter, NpgsqlDataReader, int>[] _columns;

    public ExportRowWriter(NpgsqlDataReader reader)
    {
        _names = new string[reader.FieldCount];
        _columns = new Action<Utf8JsonWriter, NpgsqlDataReader, int>[reader.FieldCount];
        for (var i = 0; i < reader.FieldCount; i++)
        {
            _names[i] = reader.GetName(i);
            _columns[i] = For(reader.GetDataTypeName(i));
        }
    }

    public void Write(Utf8JsonWriter json, NpgsqlDataReader reader)
    {
        json.WriteStartObject();
        for (var i = 0; i < _columns.Length; i++)
        {
            json.WritePropertyName(_names[i]);
            if (reader.IsDBNull(i))
                json.WriteNullValue();
            else
                _columns[i](json, reader, i);
        }
        json.WriteEndObject();
    }

    private static Action<Utf8JsonWriter, NpgsqlDataReader, int> For(string type) =>
        type switch
        {
            "bigint" => (j, r, i) => j.WriteNumberValue(r.GetInt64(i)),
            "integer" => (j, r, i) => j.WriteNumberValue(r.GetInt32(i)),
            "smallint" => (j, r, i) => j.WriteNumberValue(r.GetInt16(i)),
            "boolean" => (j, r, i) => j.WriteBooleanValue(r.GetBoolean(i)),
            "uuid" => (j, r, i) => j.WriteStringValue(r.GetGuid(i)),
            "timestamp with time zone" => (j, r, i) =>
                j.WriteStringValue(
                    r.GetFieldValue<DateTime>(i)
                        .ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)
                ),
            "date" => (j, r, i) =>
                j.WriteStringValue(r.GetFieldValue<DateOnly>(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            "bytea" => (j, r, i) => j.WriteStringValue(Convert.ToHexStringLower(r.GetFieldValue<byte[]>(i))),
            "json" or "jsonb" => (j, r, i) => j.WriteRawValue(r.GetString(i), skipInputValidation: true),
            "text[]" => (j, r, i) =>
            {
                j.WriteStartArray();
                foreach (var item in r.GetFieldValue<string[]>(i))
                    j.WriteStringValue(item);
                j.WriteEndArray();
            },
            // text, character(n), character varying and anything else readable as text.
            _ => (j, r, i) => j.WriteStringValue(r.GetString(i)),
        };
}
