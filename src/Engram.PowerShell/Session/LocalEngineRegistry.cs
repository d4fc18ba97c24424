using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using Engram.Local;

namespace Engram.PowerShell.Session
{
    /// <summary>
    /// Opens the embedded engine once per database file per process and shares it between every connection
    /// and local server that uses the file: one SQLite connection pool and one set of caches, no two engines
    /// racing on the same file. The engine closes when its last user lets go. This is the one piece of
    /// process-wide state the module keeps (allowed: the file itself is process-wide).
    /// </summary>
    internal static class LocalEngineRegistry
    {
        private static readonly object Gate = new object();
        private static readonly Dictionary<string, Entry> Engines = new Dictionary<string, Entry>(
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);

        /// <summary>A file-backed engine, shared; <paramref name="fullPath"/> must already be absolute.</summary>
        public static LocalEngineLease AcquireFile(string fullPath)
        {
            lock (Gate)
            {
                if (!Engines.TryGetValue(fullPath, out var entry))
                {
                    var engine = LocalEngine.Open(new LocalEngineOptions { Path = fullPath });
                    entry = new Entry(engine);
                    Engines.Add(fullPath, entry);
                }

                entry.Users++;
                return new LocalEngineLease(entry.Engine, fullPath, inMemory: false, release: () => Release(fullPath, entry));
            }
        }

        /// <summary>A private in-memory engine; it lives as long as its lease.</summary>
        public static LocalEngineLease AcquireInMemory()
        {
            var engine = LocalEngine.Open(new LocalEngineOptions { InMemory = true });
            return new LocalEngineLease(engine, null, inMemory: true, release: engine.Dispose);
        }

        private static void Release(string fullPath, Entry entry)
        {
            lock (Gate)
            {
                entry.Users--;
                if (entry.Users > 0)
                {
                    return;
                }

                Engines.Remove(fullPath);
            }

            entry.Engine.Dispose();
        }

        private sealed class Entry
        {
            public Entry(LocalEngine engine) => Engine = engine;

            public LocalEngine Engine { get; }

            public int Users { get; set; }
        }
    }

    /// <summary>One user's hold on a local engine; disposing it lets go (once).</summary>
    internal sealed class LocalEngineLease : IDisposable
    {
        private Action? _release;

        public LocalEngineLease(LocalEngine engine, string? databasePath, bool inMemory, Action release)
        {
            Engine = engine;
            DatabasePath = databasePath;
            InMemory = inMemory;
            _release = release;
        }

        public LocalEngine Engine { get; }

        public string? DatabasePath { get; }

        public bool InMemory { get; }

        public void Dispose() => System.Threading.Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
