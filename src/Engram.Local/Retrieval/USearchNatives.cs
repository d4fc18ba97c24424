using System;
using System.Runtime.InteropServices;
using Cloud.Unum.USearch;
using Engram.Local.Storage;

namespace Engram.Local.Retrieval
{
    /// <summary>
    /// Whether the USearch native library loads in this process. NuGet ships it for linux-x64, osx-arm64 and win-x64
    /// only; elsewhere (or when it fails to load) large buckets are scanned exactly, with the same results API.
    /// Loaded on first use of a large bucket only, so importing the module never pays for it.
    /// </summary>
    internal static class USearchNatives
    {
        private const string LibraryName = "libusearch_c";
        private static readonly Lazy<bool> Loaded = new Lazy<bool>(TryLoad);

        public static bool Available => Loaded.Value;

        private static bool TryLoad()
        {
            var library = ModuleNatives.Find(ModuleNatives.FileName(LibraryName));
            if (library != null)
            {
                // Windows resolves the dependency by bare name: have it in memory first. Elsewhere the library's
                // run path ($ORIGIN, @loader_path) finds it beside the library.
                var dependency = ModuleNatives.Find(ModuleNatives.FileName("numkong"));
                if (dependency != null)
                {
                    ModuleNatives.TryPreloadOnWindows(dependency);
                }

                if (!ModuleNatives.TryRegisterResolver(typeof(USearchIndex).Assembly, LibraryName, library))
                {
                    ModuleNatives.TryPreloadOnWindows(library);
                }
            }

            try
            {
                using var probe = new USearchIndex(MetricKind.Cos, ScalarKind.Int8, 4, 0, 0, 0, false);
                return true;
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException || e is BadImageFormatException || e is TypeInitializationException || e is USearchException || e is MarshalDirectiveException)
            {
                return false;
            }
        }
    }
}
