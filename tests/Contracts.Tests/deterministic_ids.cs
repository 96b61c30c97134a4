using PitPlatform.Contracts.Identifiers;
using Xunit;

namespace PitPlatform.Contracts.Tests;

public sealed class deterministic_ids
{
    [Fact]
    public void the_same_source_and_processor_give_the_same_id()
    {
        var source = Guid.NewGuid();
        Assert.Equal(
            DeterministicGuid.ForDerivedEvent(source, "nav-processor"),
            DeterministicGuid.ForDerivedEvent(source, "nav-processor")
        );
        Assert.NotEqual(
            DeterministicGuid.ForDerivedEvent(source, "nav-processor"),
            DeterministicGuid.ForDerivedEvent(source, "other")
        );
    }

    [Fact]
    public void derived_ids_are_version_5_rfc_uuids()
    {
        var text = DeterministicGuid.ForDerivedEvent(Guid.NewGuid(), "nav-processor").ToString("D");
        Assert.Equal('5', text[14]);
        Assert.Contains(text[19], "89ab");
    }

    [Fact]
    public void matches_the_rfc_9562_example()
    {
        // RFC 9562 appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
        var dns = new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8");
        Assert.Equal(
            new Guid("2ed6657d-e927-568b-95e1-2665a8aea6a2"),
            DeterministicGuid.Create(dns, "www.example.com")
        );
    }
}
