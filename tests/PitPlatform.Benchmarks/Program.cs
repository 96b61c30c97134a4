using BenchmarkDotNet.Running;

// ./pit bench [BenchmarkDotNet arguments], e.g. ./pit bench --filter '*Envelope*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args);
