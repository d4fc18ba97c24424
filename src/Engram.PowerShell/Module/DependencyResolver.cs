using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;

namespace Engram.PowerShell.Module
{
    /// <summary>
    /// Runs at Import-Module. PowerShell 7 carries some of our dependencies itself, in a build that can be a
    /// servicing step older than the one we compiled against (pwsh 7.6.9 has Microsoft.Bcl.AsyncInterfaces
    /// 10.0.0.14, we reference 10.0.0.15), and .NET refuses to bind a reference to a lower version — every
    /// streamed query would fail with FileLoadException. For the dependencies we ship, this hands the runtime
    /// the host's copy (same API, one copy per process), else the copy in the module folder.
    /// </summary>
    public sealed class DependencyResolver : IModuleAssemblyInitializer
    {
        private static readonly string[] SharedWithHost =
        {
            "Microsoft.Bcl.AsyncInterfaces",
            "System.Text.Json",
            "System.Text.Encodings.Web",
            "System.IO.Pipelines",
            "System.Memory",
            "System.Buffers",
            "System.Numerics.Vectors",
            "System.Runtime.CompilerServices.Unsafe",
            "System.Threading.Tasks.Extensions",
        };

        [ThreadStatic]
        private static bool _resolving;

        private static readonly object Gate = new object();
        private static bool _subscribed;

        public void OnImport()
        {
            lock (Gate)
            {
                // Once per process: a second Import-Module must not add a second handler.
                if (_subscribed)
                {
                    return;
                }

                _subscribed = SubscribeToDefaultContext();
            }
        }

        /// <summary>
        /// On .NET (PowerShell 7) hooks AssemblyLoadContext.Default.Resolving, which runs before the
        /// AppDomain.AssemblyResolve handler that Assembly.LoadFrom installs (that one throws on the version
        /// mismatch and ends the search). netstandard2.0 has no AssemblyLoadContext, so reach it by reflection.
        /// On .NET Framework (Windows PowerShell) there is no such type and nothing to do: the module folder's
        /// copies load as they are.
        /// </summary>
        private static bool SubscribeToDefaultContext()
        {
            var contextType = Type.GetType("System.Runtime.Loader.AssemblyLoadContext, System.Runtime.Loader", throwOnError: false)
                ?? typeof(object).Assembly.GetType("System.Runtime.Loader.AssemblyLoadContext", throwOnError: false);
            var defaultContext = contextType?.GetProperty("Default", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
            var resolving = contextType?.GetEvent("Resolving");
            if (defaultContext == null || resolving?.EventHandlerType == null)
            {
                return false;
            }

            var method = typeof(DependencyResolver).GetMethod(nameof(ResolveInContext), BindingFlags.NonPublic | BindingFlags.Static)!;
            resolving.AddEventHandler(defaultContext, Delegate.CreateDelegate(resolving.EventHandlerType, method));
            return true;
        }

        private static Assembly? ResolveInContext(object context, AssemblyName requested)
        {
            if (_resolving)
            {
                return null;
            }

            var name = requested.Name;
            if (name == null || !SharedWithHost.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                return null;
            }

            var loaded = AppDomain.CurrentDomain.GetAssemblies()
                .FirstOrDefault(a => string.Equals(a.GetName().Name, name, StringComparison.OrdinalIgnoreCase));
            if (loaded != null)
            {
                return loaded;
            }

            _resolving = true;
            try
            {
                try
                {
                    return Assembly.Load(new AssemblyName(name));
                }
                catch (Exception ex) when (ex is FileNotFoundException || ex is FileLoadException || ex is BadImageFormatException)
                {
                    var local = Path.Combine(Path.GetDirectoryName(typeof(DependencyResolver).Assembly.Location) ?? "", name + ".dll");
                    return File.Exists(local) ? Assembly.LoadFrom(local) : null;
                }
            }
            finally
            {
                _resolving = false;
            }
        }
    }
}
