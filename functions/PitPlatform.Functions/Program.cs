using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PitPlatform.Functions;

var host = FunctionsAppHost.Build(args);
FunctionBindings.Verify(host.Services, host.Services.GetRequiredService<IConfiguration>());
host.Run();
