// Loaded before n8n-core: its logger would print every node error in full (1 MB values included)
// to the console; the fuzz checks read the errors themselves.
process.env.N8N_LOG_LEVEL = 'silent';
