using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;

namespace Engram.Bench.Measurement
{
    /// <summary>
    /// CPU time, in Stopwatch ticks (what <see cref="LatencyRecorder"/> takes): of the calling thread, of the whole
    /// process, and per thread name. On a machine whose cores are shared, the wall clock also counts waiting for a
    /// core; the calling thread's CPU time is what one query itself costs, and the process's minus the thread's is
    /// what other threads (GC, JIT, background indexing) burnt meanwhile. On Linux from clock_gettime's CPU clocks
    /// (Process.TotalProcessorTime there counts 10 ms clock ticks, too coarse for one query).
    /// </summary>
    public static class CpuClock
    {
        // clock_gettime's CPU clocks: nanoseconds from the scheduler's own accounting (getrusage for a thread counts
        // whole scheduler ticks of 4 ms here, too coarse for one query).
        private const int ProcessClock = 2;
        private const int ThreadClock = 3;

        /// <summary>CPU time of the calling thread so far (the process's where the platform cannot tell).</summary>
        public static long Thread() => Read(ThreadClock) ?? Process();

        /// <summary>CPU time of the whole process so far.</summary>
        public static long Process()
        {
            var ticks = Read(ProcessClock);
            if (ticks != null)
            {
                return ticks.Value;
            }

            using var process = System.Diagnostics.Process.GetCurrentProcess();
            return (long)(process.TotalProcessorTime.TotalSeconds * Stopwatch.Frequency);
        }

        /// <summary>
        /// CPU time so far of the process's threads, summed by thread name (/proc/self/task; .NET names its own threads,
        /// e.g. ".NET Tiered Com", ".NET BGC"), in clock ticks of 10 ms, so only totals over many queries mean anything.
        /// Empty where /proc is missing.
        /// </summary>
        public static Dictionary<string, long> ByThreadName()
        {
            var totals = new Dictionary<string, long>(StringComparer.Ordinal);
            const string tasks = "/proc/self/task";
            if (!Directory.Exists(tasks))
            {
                return totals;
            }

            foreach (var folder in Directory.GetDirectories(tasks))
            {
                try
                {
                    var name = File.ReadAllText(Path.Combine(folder, "comm")).Trim();
                    var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                    // Fields after the parenthesised name: state is field 3, utime 14, stime 15.
                    var fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                    var clockTicks = long.Parse(fields[11]) + long.Parse(fields[12]);
                    totals.TryGetValue(name, out var sum);
                    totals[name] = sum + clockTicks * Stopwatch.Frequency / 100;
                }
                catch (IOException)
                {
                    // The thread ended between the listing and the read.
                }
            }

            return totals;
        }

        /// <summary>What each thread name burnt between two <see cref="ByThreadName"/> readings, in ms, largest first (threads that ended are missed).</summary>
        public static List<KeyValuePair<string, double>> Difference(Dictionary<string, long> before, Dictionary<string, long> after)
        {
            var spent = new List<KeyValuePair<string, double>>();
            foreach (var pair in after)
            {
                before.TryGetValue(pair.Key, out var earlier);
                var ms = (pair.Value - earlier) * 1000.0 / Stopwatch.Frequency;
                if (ms > 0)
                {
                    spent.Add(new KeyValuePair<string, double>(pair.Key, Math.Round(ms, 1)));
                }
            }

            spent.Sort((a, b) => b.Value.CompareTo(a.Value));
            return spent;
        }

        private static long? Read(int clock)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || ClockGetTime(clock, out var time) != 0)
            {
                return null;
            }

            // In double: nanoseconds times a Stopwatch frequency of 10^9 would overflow a long after 9 s.
            return (long)((time.Seconds + time.Nanoseconds / 1e9) * Stopwatch.Frequency);
        }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        /// <summary>Linux's struct timespec (64-bit).</summary>
        [StructLayout(LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }
    }
}
