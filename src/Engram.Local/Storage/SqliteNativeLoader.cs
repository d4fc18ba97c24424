using System;
using System.IO;
using System.Linq;
using System.Reflection;
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
        internal static string? RuntimeIdentifier()
        {
            string os;
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                os = "win";
            }
            else if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
            {
                os = "osx";
            }
            else if (RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            {
                os = IsMusl() ? "linux-musl" : "linux";
            }
            else
            {
                return null;
            }

            switch (RuntimeInformation.ProcessArchitecture)
            {
                case Architecture.X64: return os + "-x64";
                case Architecture.Arm64: return os + "-arm64";
                case Architecture.X86: return os + "-x86";
                case Architecture.Arm: return os + "-arm";
                default: return null;
            }
        }

        internal static string NativeFileName()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return LibraryName + ".dll";
            }

            return RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "lib" + LibraryName + ".dylib" : "lib" + LibraryName + ".so";
        }

        private static string AssemblyFolder() =>
            Path.GetDirectoryName(typeof(SqliteNativeLoader).Assembly.Location) ?? AppContext.BaseDirectory;

        private static string? FindModuleNative()
        {
            var rid = RuntimeIdentifier();
            var folder = AssemblyFolder();
            var candidates = new[]
            {
                rid == null ? null : Path.Combine(folder, "runtimes", rid, "native", NativeFileName()),
                // A musl system may still run a glibc-compatible build shipped as linux-*.
                rid != null && rid.StartsWith("linux-musl", StringComparison.Ordinal)
                    ? Path.Combine(folder, "runtimes", rid.Replace("linux-musl", "linux"), "native", NativeFileName())
                    : null,
                Path.Combine(folder, NativeFileName()),
            };
            return candidates.FirstOrDefault(p => p != null && File.Exists(p));
        }

        private static bool IsMusl()
        {
            try
            {
                return Directory.Exists("/lib") && Directory.GetFiles("/lib", "ld-musl-*").Length > 0;
            }
            catch (Exception)
            {
                return false;
            }
        }

        // .NET Core 3.0+: NativeLibrary.SetDllImportResolver(providerAssembly, resolver), bound by reflection.
        private static bool TryRegisterResolver(string fullPath)
        {
            var nativeLibrary = Type.GetType("System.Runtime.InteropServices.NativeLibrary", throwOnError: false);
            var resolverType = Type.GetType("System.Runtime.InteropServices.DllImportResolver", throwOnError: false);
            if (nativeLibrary == null || resolverType == null)
            {
                return false;
            }

            var setResolver = nativeLibrary.GetMethod("SetDllImportResolver", new[] { typeof(Assembly), resolverType });
            var load = nativeLibrary.GetMethod("Load", new[] { typeof(string) });
            if (setResolver == null || load == null)
            {
                return false;
            }

            var target = new ModuleNativeResolver(fullPath, load);
            var resolve = typeof(ModuleNativeResolver).GetMethod(nameof(ModuleNativeResolver.Resolve))!;
            var resolver = Delegate.CreateDelegate(resolverType, target, resolve);
            var providerAssembly = typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly;
            try
            {
                setResolver.Invoke(null, new object[] { providerAssembly, resolver });
                return true;
            }
            catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException)
            {
                // A resolver is already registered for the provider (another component set one): leave it be.
                return false;
            }
        }

        private static bool TryPreloadOnWindows(string fullPath)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return false;
            }

            return LoadLibraryW(fullPath) != IntPtr.Zero;
        }

        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibraryW(string path);

        private sealed class ModuleNativeResolver
        {
            private readonly string _fullPath;
            private readonly MethodInfo _load;

            public ModuleNativeResolver(string fullPath, MethodInfo load)
            {
                _fullPath = fullPath;
                _load = load;
            }

            // Signature matches System.Runtime.InteropServices.DllImportResolver.
            public IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
            {
                if (libraryName != LibraryName)
                {
                    return IntPtr.Zero;
                }

                return (IntPtr)_load.Invoke(null, new object[] { _fullPath })!;
            }
        }
    }
}
