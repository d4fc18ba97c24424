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

        /// <summary>
        /// A file-backed engine, shared; <paramref name="fullPath"/> must already be absolute. A file is open
        /// with one configuration at a time: asking for it with another embedder or provider than the engine
        /// already open on it is refused, never silently given the first one's.
        /// </summary>
        public static LocalEngineLease AcquireFile(string fullPath, LocalEngineSettings? settings = null)
        {
            settings ??= LocalEngineSettings.Default;
            lock (Gate)
            {
                if (Engines.TryGetValue(fullPath, out var entry))
                {
                    if (entry.Fingerprint != settings.Fingerprint)
                    {
                        throw new InvalidOperationException(
                            "The database " + fullPath + " is already open in this process with " + entry.Description +
                            "; it cannot be opened with " + settings + " as well. Disconnect-Engram and Stop-EngramLocalServer what uses it, or connect with the same -Embedder and -Provider settings.");
                    }
                }
                else
                {
                    var options = settings.CreateOptions(fullPath, out var owned);
                    LocalEngine engine;
                    try
                    {
                        engine = LocalEngine.Open(options);
                    }
                    catch
                    {
                        owned.Dispose();
                        throw;
                    }

                    entry = new Entry(engine, owned, settings.Fingerprint, settings.ToString());
                    Engines.Add(fullPath, entry);
                }

                entry.Users++;
                var held = entry;
                return new LocalEngineLease(entry.Engine, fullPath, inMemory: false, release: () => Release(fullPath, held), settings);
            }
        }

        /// <summary>True when an engine of this process has <paramref name="fullPath"/> open.</summary>
        public static bool IsOpen(string fullPath)
        {
            lock (Gate)
            {
                return Engines.ContainsKey(fullPath);
            }
        }

        /// <summary>A private in-memory engine; it lives as long as its lease.</summary>
        public static LocalEngineLease AcquireInMemory(LocalEngineSettings? settings = null)
        {
            settings ??= LocalEngineSettings.Default;
            var options = settings.CreateOptions(null, out var owned);
            LocalEngine engine;
            try
            {
                engine = LocalEngine.Open(options);
            }
            catch
            {
                owned.Dispose();
                throw;
            }

            return new LocalEngineLease(engine, null, inMemory: true, release: () =>
            {
                engine.Dispose();
                owned.Dispose();
            }, settings);
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
            entry.Owned.Dispose();
        }

        private sealed class Entry
        {
            public Entry(LocalEngine engine, IDisposable owned, string fingerprint, string description)
            {
                Engine = engine;
                Owned = owned;
                Fingerprint = fingerprint;
                Description = description;
            }

            public LocalEngine Engine { get; }

            /// <summary>The embedder and chat client made for this engine, disposed after it.</summary>
            public IDisposable Owned { get; }

            public string Fingerprint { get; }

            /// <summary>The configuration in words, without keys.</summary>
            public string Description { get; }

            public int Users { get; set; }
        }
    }

    /// <summary>One user's hold on a local engine; disposing it lets go (once).</summary>
    internal sealed class LocalEngineLease : IDisposable
    {
        private Action? _release;

        public LocalEngineLease(LocalEngine engine, string? databasePath, bool inMemory, Action release, LocalEngineSettings? settings = null)
        {
            Engine = engine;
            Settings = settings ?? LocalEngineSettings.Default;
            DatabasePath = databasePath;
            InMemory = inMemory;
            _release = release;
        }

        public LocalEngine Engine { get; }

        public string? DatabasePath { get; }

        public bool InMemory { get; }

        /// <summary>The embedder and provider the engine was opened with.</summary>
        public LocalEngineSettings Settings { get; }

        public void Dispose() => System.Threading.Interlocked.Exchange(ref _release, null)?.Invoke();
    }
}
