using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Microsoft.ML.OnnxRuntime;

namespace Engram.Embeddings.Onnx
{
    /// <summary>
    /// Makes the native ONNX Runtime loadable before the first session is created.
    ///
    /// An application built for .NET 8+ gets ONNX Runtime's net8.0 assembly, which resolves its native library
    /// itself (deps.json and its own resolver). The PowerShell module instead carries the netstandard2.0 build
    /// of Microsoft.ML.OnnxRuntime, whose <c>[DllImport("onnxruntime")]</c> only looks next to the assemblies
    /// and in system folders, while the file sits at <c>&lt;module&gt;/lib/runtimes/&lt;rid&gt;/native/</c>. For
    /// that build only, this loader registers a DllImport resolver that loads the file by full path (bound by
    /// reflection: netstandard2.0 has no NativeLibrary at compile time), or on Windows PowerShell 5.1 preloads
    /// the DLL by full path so the bare name resolves to it. Process-wide state is inherent: a native library is
    /// loaded once per process.
    /// </summary>
    internal static class OnnxNativeLoader
    {
        private const string LibraryName = "onnxruntime";
        private static readonly object Gate = new object();
        private static bool _done;

        /// <summary>Full path of the native file loaded from the assembly's folder, or null when the default probing is used.</summary>
        public static string? LoadedFrom { get; private set; }

        public static void EnsureLoadable()
        {
            lock (Gate)
            {
                if (_done)
                {
                    return;
                }

                _done = true;
                var ortAssembly = typeof(OrtEnv).Assembly;
                var framework = ortAssembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName ?? string.Empty;
                if (!framework.StartsWith(".NETStandard", StringComparison.Ordinal))
                {
                    return; // The net8.0 build resolves runtimes/<rid>/native on its own.
                }

                var candidate = FindNative();
                if (candidate != null && (TryRegisterResolver(ortAssembly, candidate) || TryPreloadOnWindows(candidate)))
                {
                    LoadedFrom = candidate;
                }
            }
        }

        /// <summary>Where the native library was looked for, for error messages.</summary>
        public static string ExpectedPath() =>
            Path.Combine(AssemblyFolder(), "runtimes", RuntimeIdentifier() ?? "<rid>", "native", NativeFileName());

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
                os = "linux";
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
            Path.GetDirectoryName(typeof(OnnxNativeLoader).Assembly.Location) ?? AppContext.BaseDirectory;

        private static string? FindNative()
        {
            var rid = RuntimeIdentifier();
            var folder = AssemblyFolder();
            var candidates = new[]
            {
                rid == null ? null : Path.Combine(folder, "runtimes", rid, "native", NativeFileName()),
                Path.Combine(folder, NativeFileName()),
            };
            return candidates.FirstOrDefault(p => p != null && File.Exists(p));
        }

        private static bool TryRegisterResolver(Assembly ortAssembly, string fullPath)
        {
            var nativeLibrary = Type.GetType("System.Runtime.InteropServices.NativeLibrary", throwOnError: false);
            var resolverType = Type.GetType("System.Runtime.InteropServices.DllImportResolver", throwOnError: false);
            var setResolver = nativeLibrary?.GetMethod("SetDllImportResolver", new[] { typeof(Assembly), resolverType! });
            var load = nativeLibrary?.GetMethod("Load", new[] { typeof(string) });
            if (resolverType == null || setResolver == null || load == null)
            {
                return false;
            }

            var target = new FullPathResolver(fullPath, load);
            var resolver = Delegate.CreateDelegate(resolverType, target, typeof(FullPathResolver).GetMethod(nameof(FullPathResolver.Resolve))!);
            try
            {
                setResolver.Invoke(null, new object[] { ortAssembly, resolver });
                return true;
            }
            catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException)
            {
                return false; // Someone else already resolves ONNX Runtime's natives: leave it be.
            }
        }

        private static bool TryPreloadOnWindows(string fullPath) =>
            RuntimeInformation.IsOSPlatform(OSPlatform.Windows) && LoadLibraryW(fullPath) != IntPtr.Zero;

        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibraryW(string path);

        private sealed class FullPathResolver
        {
            private readonly string _fullPath;
            private readonly MethodInfo _load;

            public FullPathResolver(string fullPath, MethodInfo load)
            {
                _fullPath = fullPath;
                _load = load;
            }

            // Signature of System.Runtime.InteropServices.DllImportResolver.
            public IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
                libraryName == LibraryName ? (IntPtr)_load.Invoke(null, new object[] { _fullPath })! : IntPtr.Zero;
        }
    }
}
