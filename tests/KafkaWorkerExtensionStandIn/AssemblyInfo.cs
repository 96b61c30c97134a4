using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

// What the published 4.1.3 package declares: the host extension the Worker SDK's inner project would install. A build
// with this stand-in skips that inner project (functions/KafkaWorkerExtensionStandIn.targets), since 4.1.4 is not
// served.
[assembly: ExtensionInformation("Microsoft.Azure.WebJobs.Extensions.Kafka", "4.1.4")]
