using System;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace Engram.Embeddings.Onnx
{
    /// <summary>Finds the model files and names their version, without loading the model.</summary>
    internal sealed class MiniLmModelFiles
    {
        public const string DefaultFolder = "models/all-MiniLM-L6-v2";

        private readonly Lazy<string> _sha256;

        public MiniLmModelFiles(string? directory)
        {
            Directory = directory ?? Path.Combine(
                Path.GetDirectoryName(typeof(MiniLmModelFiles).Assembly.Location) ?? AppContext.BaseDirectory,
                DefaultFolder.Replace('/', Path.DirectorySeparatorChar));
            _sha256 = new Lazy<string>(ReadOrComputeSha256);
        }

        public string Directory { get; }

        public string ModelPath => Path.Combine(Directory, "model.onnx");

        public string VocabularyPath => Path.Combine(Directory, "vocab.txt");

        private string HashPath => ModelPath + ".sha256";

        /// <summary>Lower-case hex SHA-256 of model.onnx: from the file the build wrote, else computed once (~0.3 s for 90 MB).</summary>
        public string Sha256 => _sha256.Value;

        public void EnsureExist()
        {
            foreach (var path in new[] { ModelPath, VocabularyPath })
            {
                if (!File.Exists(path))
                {
                    throw new FileNotFoundException(
                        $"The local embedding model (all-MiniLM-L6-v2) is not installed: {path} is missing. " +
                        "Install the module's embeddings package, or choose another embedder (Hashing, or OpenAI with your own key).",
                        path);
                }
            }
        }

        private string ReadOrComputeSha256()
        {
            EnsureExist();
            if (File.Exists(HashPath))
            {
                var recorded = File.ReadAllText(HashPath).Trim().Split(' ')[0];
                if (recorded.Length == 64)
                {
                    return recorded.ToLowerInvariant();
                }
            }

            using (var sha = SHA256.Create())
            using (var stream = File.OpenRead(ModelPath))
            {
                var hash = sha.ComputeHash(stream);
                var hex = new StringBuilder(hash.Length * 2);
                foreach (var b in hash)
                {
                    hex.Append(b.ToString("x2"));
                }

                return hex.ToString();
            }
        }
    }
}
