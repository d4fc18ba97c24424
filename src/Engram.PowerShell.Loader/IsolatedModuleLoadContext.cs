using System;
using System.Collections.Concurrent;
using System.IO;
using System.Reflection;
using System.Runtime.Loader;

namespace Engram.PowerShell.Loader
{
    /// <summary>
    /// PowerShell 7 only. A load context that owns every assembly in the module's dependency folder, so
    /// PowerShell's default context never sees them and another module's Microsoft.Data.Sqlite, SQLitePCLRaw
    /// or Microsoft.Bcl.AsyncInterfaces (any version, loaded before or after us) cannot collide with ours.
    ///
    /// What it does not take from the folder goes to the default context: System.Management.Automation and the
    /// rest of PowerShell (not shipped in the folder), and assemblies the .NET shared framework already provides
    /// at the same or a newer version (System.Text.Json, System.Memory, ...). Those cannot be replaced by other
    /// modules, and a private copy of a core type such as Span or ValueTask would not interoperate with the
    /// runtime. On an older runtime whose framework copy is older than ours, ours loads here instead.
    ///
    /// One context per folder and process (a static map, the one piece of process-wide state here): importing
    /// the module again must hand back the same assembly, or the engine registry and sessions it holds would
    /// split in two.
    /// </summary>
    internal sealed class IsolatedModuleLoadContext : AssemblyLoadContext
    {
        private static readonly ConcurrentDictionary<string, IsolatedModuleLoadContext> Contexts =
            new ConcurrentDictionary<string, IsolatedModuleLoadContext>(StringComparer.Ordinal);

        private readonly string _folder;
        private readonly string _frameworkFolder;
        private readonly Lazy<string?> _companionFolder;

        private IsolatedModuleLoadContext(string folder)
        {
            _folder = folder;
            _frameworkFolder = Path.GetDirectoryName(typeof(object).Assembly.Location) ?? string.Empty;
            _companionFolder = new Lazy<string?>(() => CompanionModules.FindEmbeddingsFolder(folder));
        }

        public string Folder => _folder;

        public static IsolatedModuleLoadContext ForFolder(string folder) =>
            Contexts.GetOrAdd(folder, f => new IsolatedModuleLoadContext(f));

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            var name = assemblyName.Name;
            if (string.IsNullOrEmpty(name))
            {
                return null;
            }

            var shipped = Path.Combine(_folder, name + ".dll");
            if (!File.Exists(shipped) && _companionFolder.Value != null)
            {
                shipped = Path.Combine(_companionFolder.Value, name + ".dll"); // the local model's assemblies
            }

            if (!File.Exists(shipped) || FrameworkProvides(name!, assemblyName.Version))
            {
                return null;
            }

            return LoadFromAssemblyPath(shipped);
        }

        private bool FrameworkProvides(string name, Version? requested)
        {
            var frameworkCopy = Path.Combine(_frameworkFolder, name + ".dll");
            if (_frameworkFolder.Length == 0 || !File.Exists(frameworkCopy))
            {
                return false;
            }

            try
            {
                var available = AssemblyName.GetAssemblyName(frameworkCopy).Version;
                return requested == null || (available != null && available >= requested);
            }
            catch (BadImageFormatException)
            {
                return false;
            }
        }

        public override string ToString() => "Lumetra.Engram (" + _folder + ")";
    }
}
