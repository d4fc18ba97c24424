using System;
using System.IO;
using System.Runtime.InteropServices;

namespace Engram.Local.Storage
{
    /// <summary>
    /// Makes the native SQLite library (e_sqlite3) loadable before the first connection opens.
    ///
    /// In an application (tests, tools) the runtime finds the native file through the app's deps.json and
    /// <c>SQLitePCL.Batteries_V2.Init()</c> is all it takes. Inside the installed PowerShell module there
    /// is no deps.json for our assemblies, so the provider's <c>[DllImport("e_sqlite3")]</c> would only
    /// look next to the assemblies and in system folders, while the file sits at
    /// <c>&lt;module&gt;/runtimes/&lt;rid&gt;/native/</c>. This loader therefore, when that file exists:
    /// <list type="bullet">
    /// <item>on .NET Core / .NET 5+ (PowerShell 7) registers a DllImport resolver for the provider
    /// assembly that loads the file by full path (found through reflection: netstandard2.0 has no
    /// NativeLibrary type at compile time);</item>
    /// <item>on Windows (including .NET Framework, Windows PowerShell 5.1) preloads the DLL by full path
    /// with LoadLibraryW: the Windows loader then answers the bare name "e_sqlite3" with the module
    /// already in memory.</item>
    /// </list>
    /// Then it calls Batteries_V2.Init() and probes the library once, so a failure surfaces here with a
    /// message that names the folders searched. Process-wide state is inherent: a native library is
    /// loaded once per process.
    /// </summary>
    internal static class SqliteNativeLoader
    {
        private const string LibraryName = "e_sqlite3";
        private static readonly object Gate = new object();
        private static bool _initialized;
        private static string? _loadedFrom;

        /// <summary>Full path of the native file loaded from the module folder, or null when the default probing was used.</summary>
        public static string? LoadedFrom => _loadedFrom;

        public static void EnsureInitialized()
        {
            if (_initialized)
            {
                return;
            }

            lock (Gate)
            {
                if (_initialized)
                {
                    return;
                }

                var candidate = FindModuleNative();
                if (candidate != null)
                {
                    if (TryRegisterResolver(candidate) || TryPreloadOnWindows(candidate))
                    {
                        _loadedFrom = candidate;
                    }
                }

                try
                {
                    SQLitePCL.Batteries_V2.Init();
                    SQLitePCL.raw.sqlite3_libversion_number();
                }
                catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException || e is BadImageFormatException || e is TypeInitializationException)
                {
                    throw new InvalidOperationException(
                        $"The native SQLite library could not be loaded for {RuntimeIdentifier() ?? RuntimeInformation.OSDescription}. " +
                        $"Looked for {(candidate ?? Path.Combine(AssemblyFolder(), "runtimes", RuntimeIdentifier() ?? "<rid>", "native", NativeFileName()))} " +
                        "and in the default library paths. Reinstall the module or copy the runtimes folder next to Engram.Local.dll.",
                        e);
                }

                _initialized = true;
            }
        }

        /// <summary>The runtime identifier whose native file we ship for this process, or null for an unsupported platform.</summary>
        internal static string? RuntimeIdentifier() => ModuleNatives.RuntimeIdentifier();

        internal static string NativeFileName() => ModuleNatives.FileName(LibraryName);

        private static string AssemblyFolder() => ModuleNatives.AssemblyFolder();

        private static string? FindModuleNative() => ModuleNatives.Find(NativeFileName());

        private static bool TryRegisterResolver(string fullPath) =>
            ModuleNatives.TryRegisterResolver(typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, LibraryName, fullPath);

        private static bool TryPreloadOnWindows(string fullPath) => ModuleNatives.TryPreloadOnWindows(fullPath);
    }
}
