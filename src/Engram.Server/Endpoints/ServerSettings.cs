using System;
using System.Threading;
using System.Threading.Tasks;
using Engram.Server.Wire;

namespace Engram.Server.Endpoints
{
    /// <summary>The server-wide parts endpoints share: options, faults, response shapes, the profiler installer.</summary>
    internal sealed class ServerSettings
    {
        public ServerSettings(LocalServerOptions options, Func<string, string, CancellationToken, Task>? installProfiler)
        {
            Options = options;
            InstallProfiler = installProfiler;
            Shapes = new ResponseShapes(options.LegacyShapes);
        }

        public LocalServerOptions Options { get; }

        public ServerFaults Faults => Options.Faults;

        public ResponseShapes Shapes { get; }

        /// <summary>(tenant, bucket, cancellation) → installs a Bucket Profiler; null when the engine cannot.</summary>
        public Func<string, string, CancellationToken, Task>? InstallProfiler { get; }

        public void Trace(string note) => Options.Trace?.Invoke(note);

        /// <summary>A line for the server's log (<see cref="LocalServerOptions.Log"/>); a failing log never fails a request.</summary>
        public void Log(string line)
        {
            try
            {
                Options.Log?.Invoke(line);
            }
            catch (Exception)
            {
                // The log is best effort: a full disk or a closed file must not turn answers into errors.
            }
        }
    }
}
