using System;
using System.IO;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Engram.PowerShell.Loader
{
    /// <summary>
    /// Entry point the module's root script calls: loads Engram.PowerShell.dll from the module's dependency
    /// folder so that its dependencies (Microsoft.Data.Sqlite, SQLitePCLRaw, System.Text.Json,
    /// Microsoft.Bcl.AsyncInterfaces) neither clash with nor are replaced by the versions another module
    /// loads into the same session.
    /// <list type="bullet">
    /// <item>PowerShell 7 (.NET): a private AssemblyLoadContext per dependency folder (<see cref="IsolatedModuleLoadContext"/>).</item>
    /// <item>Windows PowerShell 5.1 (.NET Framework): no load contexts exist; the assembly is loaded by path and
    /// an AppDomain.AssemblyResolve handler answers for the files in the folder (<see cref="DesktopDependencyResolver"/>).</item>
    /// </list>
    /// The two paths live in separate types reached through non-inlined methods, so on .NET Framework the JIT
    /// never compiles code that names AssemblyLoadContext (which does not exist there).
    /// </summary>
    public static class ModuleLoader
    {
        /// <summary>The file name of the cmdlet assembly inside the dependency folder.</summary>
        public const string CmdletAssemblyFileName = "Engram.PowerShell.dll";

        /// <summary>
        /// The assemblies whose types users name in scripts (<c>[Engram.Client.EngramException]</c>,
        /// <c>-is [Engram.PowerShell.QueryAnswer]</c>): the module imports each, because PowerShell 7 resolves
        /// type names only in the default context and in assemblies imported as modules. The other dependencies
        /// stay invisible, so their type names never become ambiguous with another module's copies.
        /// </summary>
        public static readonly string[] PublicAssemblyNames = { "Engram.PowerShell", "Engram.Client" };

        private static readonly System.Collections.Generic.HashSet<string> LoadedFolders =
            new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);

        /// <summary>
        /// Whether <see cref="LoadPublicAssemblies"/> already ran for <paramref name="dependencyFolder"/> in this
        /// process: the module was imported before (Import-Module -Force, or after Remove-Module), so the session may
        /// hold its nested modules from then.
        /// </summary>
        public static bool IsLoaded(string dependencyFolder)
        {
            lock (LoadedFolders)
            {
                return !string.IsNullOrEmpty(dependencyFolder) && LoadedFolders.Contains(Path.GetFullPath(dependencyFolder));
            }
        }

        /// <summary>
        /// Loads (once per folder and process) and returns the module's public assemblies from
        /// <paramref name="dependencyFolder"/>, the cmdlet assembly first.
        /// </summary>
        public static Assembly[] LoadPublicAssemblies(string dependencyFolder)
        {
            if (string.IsNullOrEmpty(dependencyFolder))
            {
                throw new ArgumentException("The dependency folder is required.", nameof(dependencyFolder));
            }

            var folder = Path.GetFullPath(dependencyFolder);
            var cmdletAssembly = Path.Combine(folder, CmdletAssemblyFileName);
            if (!File.Exists(cmdletAssembly))
            {
                throw new FileNotFoundException(
                    $"The Lumetra.Engram module is incomplete: {cmdletAssembly} is missing. Reinstall the module (Install-Module Lumetra.Engram -Force).",
                    cmdletAssembly);
            }

            var assemblies = new Assembly[PublicAssemblyNames.Length];
            for (var i = 0; i < assemblies.Length; i++)
            {
                assemblies[i] = IsCoreClr ? LoadIsolated(folder, PublicAssemblyNames[i]) : LoadWithResolver(folder, PublicAssemblyNames[i]);
            }

            lock (LoadedFolders)
            {
                LoadedFolders.Add(folder);
            }

            return assemblies;
        }

        /// <summary>True on .NET (PowerShell 7), false on .NET Framework (Windows PowerShell 5.1).</summary>
        public static bool IsCoreClr =>
            string.Equals(typeof(object).Assembly.GetName().Name, "System.Private.CoreLib", StringComparison.Ordinal);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Assembly LoadIsolated(string folder, string name) =>
            IsolatedModuleLoadContext.ForFolder(folder).LoadFromAssemblyName(new AssemblyName(name));

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Assembly LoadWithResolver(string folder, string name)
        {
            DesktopDependencyResolver.Register(folder);
            return Assembly.LoadFrom(Path.Combine(folder, name + ".dll"));
        }
    }
}
