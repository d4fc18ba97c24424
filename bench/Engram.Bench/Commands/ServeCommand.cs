using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Engram.Local;
using Engram.Server;

namespace Engram.Bench.Commands
{
    /// <summary>
    /// The local server in its own process, so the ingesting pwsh and the engine do not share a heap or a
    /// thread pool. Protocol with the parent on stdio: prints "LISTENING &lt;url&gt;"; stops on a "stop" line or
    /// end of stdin; then prints "PEAK_WORKING_SET &lt;bytes&gt;" and "CPU_SECONDS &lt;s&gt;" (the process's CPU time since it started listening).
    /// </summary>
    public static class ServeCommand
    {
        public static async Task<int> RunAsync(CommandLine options, CancellationToken cancellationToken)
        {
            var key = options.Text("api-key");
            using var engine = LocalEngine.Open(new LocalEngineOptions { Path = options.Text("db") });
            var serverOptions = new LocalServerOptions { Port = options.Int("port", 0) };
            serverOptions.ApiKeys[key] = LocalEngine.DefaultTenant;
            using var server = new LocalEngramServer(engine, serverOptions);
            server.Start();
            Console.Out.WriteLine("LISTENING " + server.BaseUrl.ToString().TrimEnd('/'));
            Console.Out.Flush();
            var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;

            var stdinClosed = Task.Run(() =>
            {
                string? line;
                while ((line = Console.In.ReadLine()) != null)
                {
                    if (line.Trim() == "stop")
                    {
                        return;
                    }
                }
            });
            var cancelled = Task.Delay(Timeout.Infinite, cancellationToken);
            await Task.WhenAny(stdinClosed, cancelled).ConfigureAwait(false);
            await server.StopAsync().ConfigureAwait(false);
            Console.Out.WriteLine("PEAK_WORKING_SET " + Process.GetCurrentProcess().PeakWorkingSet64);
            Console.Out.WriteLine("CPU_SECONDS " + (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture));
            Console.Out.Flush();
            return 0;
        }
    }
}
