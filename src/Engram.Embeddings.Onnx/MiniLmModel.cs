using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.ML.OnnxRuntime;

namespace Engram.Embeddings.Onnx
{
    /// <summary>
    /// The loaded model: an ONNX Runtime session and its tokenizer. Runs are thread-safe (ONNX Runtime allows
    /// concurrent Run calls on one session); each run pads its texts to the longest of them only.
    /// </summary>
    internal sealed class MiniLmModel : IDisposable
    {
        public const int Dimensions = 384;

        private static readonly string[] InputNames = { "input_ids", "attention_mask", "token_type_ids" };
        private static readonly string[] OutputNames = { "last_hidden_state" };

        private readonly InferenceSession _session;
        private readonly WordPieceEncoder _encoder;
        private readonly RunOptions _runOptions = new RunOptions();

        private MiniLmModel(InferenceSession session, WordPieceEncoder encoder)
        {
            _session = session;
            _encoder = encoder;
        }

        public static MiniLmModel Load(MiniLmModelFiles files, int intraOpThreads)
        {
            files.EnsureExist();
            OnnxNativeLoader.EnsureLoadable();
            var encoder = new WordPieceEncoder(files.VocabularyPath);
            SessionOptions? options = null;
            try
            {
                options = new SessionOptions
                {
                    IntraOpNumThreads = Math.Max(1, intraOpThreads),
                    InterOpNumThreads = 1,
                    ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                    GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                };
                return new MiniLmModel(new InferenceSession(files.ModelPath, options), encoder);
            }
            catch (Exception e) when (e is DllNotFoundException || e is EntryPointNotFoundException || e is BadImageFormatException || e is TypeInitializationException)
            {
                throw new InvalidOperationException(
                    $"The native ONNX Runtime could not be loaded for {OnnxNativeLoader.RuntimeIdentifier() ?? System.Runtime.InteropServices.RuntimeInformation.OSDescription}. " +
                    $"Looked for {OnnxNativeLoader.ExpectedPath()} and in the default library paths. " +
                    "This platform may have no ONNX Runtime build; choose another embedder (Hashing, or OpenAI with your own key).",
                    e);
            }
            finally
            {
                options?.Dispose();
            }
        }

        public long[] Tokenize(string text) => _encoder.Encode(text);

        /// <summary>Embeds already tokenized texts in one inference run; mean-pooled over real tokens, L2-normalised.</summary>
        public float[][] Embed(IReadOnlyList<long[]> tokenized, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = tokenized.Count;
            var width = 1;
            foreach (var ids in tokenized)
            {
                width = Math.Max(width, ids.Length);
            }

            var inputIds = new long[batch * width];
            var attention = new long[batch * width];
            var typeIds = new long[batch * width];
            for (var b = 0; b < batch; b++)
            {
                var ids = tokenized[b];
                Array.Copy(ids, 0, inputIds, b * width, ids.Length);
                for (var t = 0; t < ids.Length; t++)
                {
                    attention[b * width + t] = 1;
                }
            }

            var shape = new long[] { batch, width };
            using (var idsValue = OrtValue.CreateTensorValueFromMemory(inputIds, shape))
            using (var maskValue = OrtValue.CreateTensorValueFromMemory(attention, shape))
            using (var typeValue = OrtValue.CreateTensorValueFromMemory(typeIds, shape))
            using (var outputs = _session.Run(_runOptions, InputNames, new[] { idsValue, maskValue, typeValue }, OutputNames))
            {
                var hidden = outputs[0].GetTensorDataAsSpan<float>();
                var result = new float[batch][];
                for (var b = 0; b < batch; b++)
                {
                    result[b] = MeanPooling.PoolAndNormalize(hidden.Slice(b * width * Dimensions, width * Dimensions), tokenized[b].Length, Dimensions);
                }

                return result;
            }
        }

        public void Dispose()
        {
            _session.Dispose();
            _runOptions.Dispose();
        }
    }
}
