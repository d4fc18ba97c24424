using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Engram.Local.Storage
{
    /// <summary>
    /// Finds and registers native libraries shipped in the module's <c>runtimes/&lt;rid&gt;/native</c> folder next to
    /// Engram.Local.dll (SQLite, USearch). Inside the PowerShell module there is no deps.json, so a DllImport would
    /// only look next to the assemblies and in system folders; see <see cref="SqliteNativeLoader"/> for the why.
    /// netstandard2.0 has no NativeLibrary type at compile time, so the .NET Core resolver is bound by reflection.
    /// </summary>
    internal static class ModuleNatives
    {
        /// <summary>The runtime identifier whose native files we ship for this process, or null for an unsupported platform.</summary>
        public static string? RuntimeIdentifier()
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

        /// <summary>The platform's file name for <paramref name="library"/> (a bare name as DllImport uses it).</summary>
        public static string FileName(string library)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return library + ".dll";
            }

            var prefix = library.StartsWith("lib", StringComparison.Ordinal) ? string.Empty : "lib";
            return prefix + library + (RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? ".dylib" : ".so");
        }

        public static string AssemblyFolder() =>
            Path.GetDirectoryName(typeof(ModuleNatives).Assembly.Location) ?? AppContext.BaseDirectory;

        /// <summary>The full path of <paramref name="fileName"/> in the module's native folder for this platform, or null.</summary>
        public static string? Find(string fileName)
        {
            var rid = RuntimeIdentifier();
            var folder = AssemblyFolder();
            var candidates = new[]
            {
                rid == null ? null : Path.Combine(folder, "runtimes", rid, "native", fileName),
                // A musl system may still run a glibc-compatible build shipped as linux-*.
                rid != null && rid.StartsWith("linux-musl", StringComparison.Ordinal)
                    ? Path.Combine(folder, "runtimes", rid.Replace("linux-musl", "linux"), "native", fileName)
                    : null,
                Path.Combine(folder, fileName),
            };
            return candidates.FirstOrDefault(p => p != null && File.Exists(p));
        }

        /// <summary>
        /// .NET Core 3.0+: answers <paramref name="assembly"/>'s DllImports of <paramref name="library"/> with the
        /// file at <paramref name="fullPath"/>. False on .NET Framework, or when another component already set a resolver.
        /// </summary>
        public static bool TryRegisterResolver(Assembly assembly, string library, string fullPath)
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

            var target = new Resolver(library, fullPath, load);
            var resolve = typeof(Resolver).GetMethod(nameof(Resolver.Resolve))!;
            var resolver = Delegate.CreateDelegate(resolverType, target, resolve);
            try
            {
                setResolver.Invoke(null, new object[] { assembly, resolver });
                return true;
            }
            catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException)
            {
                // A resolver is already registered for the assembly (another component set one): leave it be.
                return false;
            }
        }

        /// <summary>
        /// Windows (also .NET Framework): loads the DLL by full path, so the loader answers its bare name with the
        /// module already in memory. Dependencies of a DLL must be preloaded first, the same way.
        /// </summary>
        public static bool TryPreloadOnWindows(string fullPath)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                return false;
            }

            return LoadLibraryW(fullPath) != IntPtr.Zero;
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

        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibraryW(string path);

        private sealed class Resolver
        {
            private readonly string _library;
            private readonly string _fullPath;
            private readonly MethodInfo _load;

            public Resolver(string library, string fullPath, MethodInfo load)
            {
                _library = library;
                _fullPath = fullPath;
                _load = load;
            }

            // Signature matches System.Runtime.InteropServices.DllImportResolver.
            public IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
            {
                if (libraryName != _library)
                {
                    return IntPtr.Zero;
                }

                return (IntPtr)_load.Invoke(null, new object[] { _fullPath })!;
            }
        }
    }
}
