using System;
using System.IO;
using System.Linq;

namespace Engram.PowerShell.Loader
{
    /// <summary>
    /// Finds the dependency folder of the companion module Lumetra.Engram.Embeddings (the local embedding
    /// model, ONNX Runtime and its natives: ~125 MB that the main module does not carry). The main module's
    /// load context answers from it for assemblies its own folder lacks, so the engine can use the local
    /// model when the companion is installed and works without it (hashing) when it is not.
    ///
    /// Looked for, highest version first: beside this module's install (…/Lumetra.Engram/&lt;v&gt;/lib and
    /// …/Lumetra.Engram.Embeddings/&lt;v&gt;/lib share a root, as Install-Module and the build's out/ lay them
    /// out), then in every PSModulePath entry. Only directory listings: found once, on the first assembly the
    /// main folder lacks, and remembered (null included) per main folder.
    /// </summary>
    internal static class CompanionModules
    {
        public const string EmbeddingsModuleName = "Lumetra.Engram.Embeddings";

        /// <summary>The file that marks a companion's lib folder as complete.</summary>
        public const string EmbeddingsMarkerAssembly = "Engram.Embeddings.Onnx.dll";

        public static string? FindEmbeddingsFolder(string mainFolder)
        {
            try
            {
                // mainFolder is <root>/Lumetra.Engram/<version>/lib.
                var moduleRoot = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(mainFolder)));
                var roots = new[] { moduleRoot }
                    .Concat((Environment.GetEnvironmentVariable("PSModulePath") ?? string.Empty).Split(Path.PathSeparator))
                    .Where(r => !string.IsNullOrWhiteSpace(r));
                foreach (var root in roots)
                {
                    var found = HighestVersionLib(Path.Combine(root!, EmbeddingsModuleName));
                    if (found != null)
                    {
                        return found;
                    }
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is ArgumentException || e is NotSupportedException)
            {
                // An unreadable or malformed module path: treat as not installed.
            }

            return null;
        }

        private static string? HighestVersionLib(string moduleFolder)
        {
            if (!Directory.Exists(moduleFolder))
            {
                return null;
            }

            return Directory.GetDirectories(moduleFolder)
                .Select(d => (Folder: d, Version: Version.TryParse(Path.GetFileName(d), out var v) ? v : null))
                .Where(x => x.Version != null && File.Exists(Path.Combine(x.Folder, "lib", EmbeddingsMarkerAssembly)))
                .OrderByDescending(x => x.Version)
                .Select(x => Path.Combine(x.Folder, "lib"))
                .FirstOrDefault();
        }
    }
}
