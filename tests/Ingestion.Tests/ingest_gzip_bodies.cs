using System.IO.Compression;
using System.Net;
using System.Text;
using PitPlatform.Ingestion.Tests.Support;
using PitPlatform.Testing;
using Xunit;

namespace PitPlatform.Ingestion.Tests;

/// <summary>
/// Content-Encoding: gzip bodies (the SDK's) are decoded within the body limit; other encodings are refused.
/// </summary>
public sealed class ingest_gzip_bodies(PostgresFixture postgres, KafkaFixture kafka, BlobFixture blob)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task a_gzip_body_is_accepted_and_the_answer_names_the_api_version_and_min_supported_sdk()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

        var response = await PostAsync(pipeline, Gzip(Encoding.UTF8.GetBytes(TestEvents.Fills(3))), "gzip");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("v1", response.Headers.GetValues("Pit-Api-Version").Single());
        Assert.Equal("0.1.0", response.Headers.GetValues("Pit-Min-Supported-Sdk").Single());
    }

    [Fact]
    public async Task bytes_that_are_not_gzip_are_malformed_and_an_unknown_encoding_is_unsupported()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);

        var notGzip = await PostAsync(pipeline, Encoding.UTF8.GetBytes(TestEvents.Fills(1)), "gzip");
        var brotli = await PostAsync(pipeline, Encoding.UTF8.GetBytes(TestEvents.Fills(1)), "br");

        Assert.Equal(HttpStatusCode.BadRequest, notGzip.StatusCode);
        Assert.Equal("ERR_MALFORMED_JSON", await Errors.CodeAsync(notGzip));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, brotli.StatusCode);
        Assert.Equal("ERR_UNSUPPORTED_MEDIA_TYPE", await Errors.CodeAsync(brotli));
    }

    [Fact]
    public async Task a_small_gzip_body_that_decodes_past_the_limit_is_refused_as_too_large()
    {
        await using var pipeline = await TestPipeline.StartAsync(postgres, kafka, blob, runConsumers: false);
        var bomb = Gzip(new byte[IngestEventsHandler.MaxBodyBytes + 1]); // about 5 KB compressed

        var response = await PostAsync(pipeline, bomb, "gzip");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("ERR_PAYLOAD_TOO_LARGE", await Errors.CodeAsync(response));
    }

    private static async Task<HttpResponseMessage> PostAsync(TestPipeline pipeline, byte[] body, string encoding)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        content.Headers.ContentEncoding.Add(encoding);
        return await pipeline.Http.PostAsync("/v1/events", content, Ct);
    }

    private static byte[] Gzip(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            gzip.Write(plain);
        return output.ToArray();
    }
}
