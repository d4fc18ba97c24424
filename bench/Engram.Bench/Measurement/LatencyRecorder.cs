using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace Engram.Bench.Measurement
{
    /// <summary>Collects per-call latencies and reports nearest-rank percentiles in milliseconds.</summary>
    public sealed class LatencyRecorder
    {
        private readonly List<double> _milliseconds = new List<double>();

        public int Count => _milliseconds.Count;

        public void Add(long stopwatchTicks) => _milliseconds.Add(stopwatchTicks * 1000.0 / Stopwatch.Frequency);

        public void Merge(LatencyRecorder other) => _milliseconds.AddRange(other._milliseconds);

        public double Percentile(double p)
        {
            if (_milliseconds.Count == 0)
            {
                return double.NaN;
            }

            var sorted = new List<double>(_milliseconds);
            sorted.Sort();
            var rank = (int)Math.Ceiling(p / 100.0 * sorted.Count);
            return sorted[Math.Min(sorted.Count, Math.Max(1, rank)) - 1];
        }

        public double Mean()
        {
            double sum = 0;
            foreach (var ms in _milliseconds)
            {
                sum += ms;
            }

            return _milliseconds.Count == 0 ? double.NaN : sum / _milliseconds.Count;
        }

        public Dictionary<string, double> Summary() => new Dictionary<string, double>
        {
            ["count"] = Count,
            ["p50_ms"] = Math.Round(Percentile(50), 3),
            ["p95_ms"] = Math.Round(Percentile(95), 3),
            ["p99_ms"] = Math.Round(Percentile(99), 3),
            ["mean_ms"] = Math.Round(Mean(), 3),
        };
    }
}
