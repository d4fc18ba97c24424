using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace Engram.Embeddings.OpenAI
{
    /// <summary>
    /// Azure OpenAI takes its key in an <c>api-key</c> header; the OpenAI SDK sends it as a bearer token, which
    /// Azure accepts only for Entra tokens. Added to the pipeline for Azure endpoints only.
    /// </summary>
    internal sealed class ApiKeyHeaderPolicy : PipelinePolicy
    {
        private readonly string _key;

        public ApiKeyHeaderPolicy(string key) => _key = key;

        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Set("api-key", _key);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            message.Request.Headers.Set("api-key", _key);
            return ProcessNextAsync(message, pipeline, currentIndex);
        }

        public override string ToString() => nameof(ApiKeyHeaderPolicy);
    }
}
