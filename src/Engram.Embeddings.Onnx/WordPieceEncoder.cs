using System;
using System.IO;
using FastBertTokenizer;

namespace Engram.Embeddings.Onnx
{
    /// <summary>
    /// all-MiniLM-L6-v2's tokenisation: uncased BERT WordPiece (FastBertTokenizer, which matches the reference
    /// tokenizer: accents stripped, "S3" becomes "s ##3", "x86_64" splits at the underscore), truncated to the
    /// model's 256-token window as sentence-transformers does.
    /// </summary>
    internal sealed class WordPieceEncoder
    {
        /// <summary>all-MiniLM-L6-v2's max_seq_length, [CLS] and [SEP] included.</summary>
        public const int MaxTokens = 256;

        private readonly BertTokenizer _tokenizer = new BertTokenizer();

        public WordPieceEncoder(string vocabularyPath)
        {
            using (var reader = File.OpenText(vocabularyPath))
            {
                _tokenizer.LoadVocabulary(reader, convertInputToLowercase: true);
            }
        }

        /// <summary>
        /// Token ids of <paramref name="text"/>, [CLS] ... [SEP]. Safe to call from several threads: the
        /// span overload keeps no state between calls (FastBertTokenizer's own batch encoder runs it in parallel).
        /// </summary>
        public long[] Encode(string text)
        {
            var ids = new long[MaxTokens];
            var mask = new long[MaxTokens];
            var count = _tokenizer.Encode(text ?? string.Empty, ids.AsSpan(), mask.AsSpan(), padTo: null);
            if (count == ids.Length)
            {
                return ids;
            }

            var exact = new long[count];
            Array.Copy(ids, exact, count);
            return exact;
        }
    }
}
