# Parameter descriptions shared by several cmdlets. Build-Help.ps1 uses them when a cmdlet's own file does not describe the parameter.
@{
    Parameters = @{
        Connection = @'
The connection to use, as returned by Connect-Engram -PassThru. Without it the cmdlet uses the session's default connection (the last Connect-Engram in this runspace), or else a connection made from the ENGRAM_API_KEY and ENGRAM_BASE_URL environment variables. With none of these the cmdlet stops with the error EngramNotConnected.
'@
        Embedder = @'
How the local engine turns text into vectors. Hashing (the default): built in, no model; finds memories that share words with the question. Local: the all-MiniLM-L6-v2 model in this process, offline; finds paraphrases too. It needs the companion module (Install-Module Lumetra.Engram.Embeddings). OpenAI: any OpenAI-compatible embeddings endpoint (OpenAI, Azure OpenAI, Ollama, LM Studio, Together, Fireworks) with your key. A database remembers its embedder: opening it with another one fails until Update-EngramIndex re-embeds it.
'@
        EmbeddingModel = 'With -Embedder OpenAI: the embedding model (or Azure deployment), such as text-embedding-3-small (the default) or nomic-embed-text.'
        EmbeddingEndpoint = 'With -Embedder OpenAI: the API base, the part before /embeddings, such as http://localhost:11434/v1 for Ollama. Default https://api.openai.com/v1.'
        EmbeddingKey = 'With -Embedder OpenAI: the embeddings key, as a SecureString (or plain text). Default: the OPENAI_API_KEY environment variable; a loopback endpoint needs none. Never stored or shown.'
        Provider = @'
The model that answers queries, judges near-duplicate conflicts and writes profiles: OpenAI, AzureOpenAI, Anthropic, Groq, Together, Fireworks, Ollama, LMStudio or Vllm. Without it answers quote the best memories (extractive).
'@
        Model = 'With -Provider: the model id as the provider names it, such as gpt-4o-mini, claude-sonnet-4-5 or llama3.1. Required with -Provider.'
        Endpoint = 'With -Provider: the API base, for a provider at another address (required for AzureOpenAI). Default: the provider''s own.'
        ProviderKey = 'With -Provider: the provider key, as a SecureString (or plain text). Default: the provider''s environment variable (OPENAI_API_KEY, ANTHROPIC_API_KEY, GROQ_API_KEY, ...); Ollama, LM Studio and vLLM need none. Never stored or shown.'
    }
}
