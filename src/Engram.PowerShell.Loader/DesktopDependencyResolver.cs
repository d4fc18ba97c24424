using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;

namespace Engram.PowerShell.Loader
{
    /// <summary>
    /// Windows PowerShell 5.1 only. .NET Framework has no load contexts and no binding redirects for a module,
    /// so a reference such as System.Runtime.CompilerServices.Unsafe 4.0.4.1 from one package and 6.0.0.0
    /// shipped by another would fail to bind. This answers AppDomain.AssemblyResolve for every assembly in the
    /// module's dependency folder with the copy in that folder, whatever version was asked for. Registered
    /// once per folder and process (a static set: the handler is process-wide by nature).
    /// </summary>
    internal static class DesktopDependencyResolver
    {
        private static readonly object Gate = new object();
        private static readonly HashSet<string> Folders = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> Companions =
            new System.Collections.Concurrent.ConcurrentDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

        public static void Register(string folder)
        {
            lock (Gate)
            {
                if (!Folders.Add(folder))
                {
                    return;
                }
            }

            AppDomain.CurrentDomain.AssemblyResolve += (sender, args) => Resolve(folder, args.Name);
        }

        internal static Assembly? Resolve(string folder, string? requestedName)
        {
            if (string.IsNullOrEmpty(requestedName))
            {
                return null;
            }

            string? name;
            try
            {
                name = new AssemblyName(requestedName).Name;
            }
            catch (Exception e) when (e is ArgumentException || e is FileLoadException)
            {
                return null;
            }

            var shipped = name == null ? null : Path.Combine(folder, name + ".dll");
            if (shipped != null && !File.Exists(shipped))
            {
                var companion = Companions.GetOrAdd(folder, CompanionModules.FindEmbeddingsFolder);
                shipped = companion == null ? null : Path.Combine(companion, name + ".dll"); // the local model's assemblies
            }

            return shipped != null && File.Exists(shipped) ? Assembly.LoadFrom(shipped) : null;
        }
    }
}
