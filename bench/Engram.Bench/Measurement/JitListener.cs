using System;
using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Linq;
using System.Threading;

namespace Engram.Bench.Measurement
{
    /// <summary>
    /// Counts the methods the runtime compiles while it listens (the runtime's own JIT events), by the first
    /// two parts of their namespace, and the time spent compiling them: a cold process's JIT and tiering work,
    /// without dotnet-trace.
    /// </summary>
    public sealed class JitListener : EventListener
    {
        private const int MethodLoadVerbose = 143;
        private const int MethodJittingStarted = 145;
        private readonly ConcurrentDictionary<string, int> _byNamespace = new ConcurrentDictionary<string, int>();
        private readonly ConcurrentDictionary<long, long> _started = new ConcurrentDictionary<long, long>();
        private long _ticks;
        private int _methods;

        public int Methods => _methods;

        public TimeSpan CompileTime => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

        public string Top(int count) => string.Join(", ", _byNamespace.OrderByDescending(p => p.Value).Take(count).Select(p => p.Key + " " + p.Value));

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x10);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.Payload == null)
            {
                return;
            }

            if (e.EventId == MethodJittingStarted)
            {
                _started[Convert.ToInt64(e.Payload[0])] = e.TimeStamp.Ticks;
            }
            else if (e.EventId == MethodLoadVerbose)
            {
                var id = Convert.ToInt64(e.Payload[0]);
                if (_started.TryRemove(id, out var start))
                {
                    Interlocked.Add(ref _ticks, e.TimeStamp.Ticks - start);
                    Interlocked.Increment(ref _methods);
                    var index = e.PayloadNames?.IndexOf("MethodNamespace") ?? -1;
                    var ns = index >= 0 ? e.Payload[index] as string ?? "?" : "?";
                    var parts = ns.Split('.');
                    _byNamespace.AddOrUpdate(parts.Length > 3 ? parts[0] + "." + parts[1] + "." + parts[2] : ns, 1, (_, n) => n + 1);
                }
            }
        }
    }
}
