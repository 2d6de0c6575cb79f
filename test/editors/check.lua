-- Drives shapelint's server from Neovim's built-in LSP client (0.7+), headless.
-- Env: SHAPELINT_SERVER (server main.js), EXPECT_CODE, EXPECT_MESSAGE (substring),
-- RESULT_FILE (where to write what was observed, as lines "key<TAB>value").
local function fail(msg)
  io.stderr:write('check.lua: ' .. msg .. '\n')
  vim.cmd('cquit 1')
end

local results = {}
local function note(key, value) table.insert(results, key .. '\t' .. tostring(value):gsub('\n', '\\n')) end

vim.bo.filetype = 'python'
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({
  name = 'shapelint',
  cmd = { 'node', os.getenv('SHAPELINT_SERVER'), '--stdio' },
  root_dir = vim.fn.getcwd(),
})
if not id then fail('server did not start') end
vim.lsp.buf_attach_client(buf, id)

local code = os.getenv('EXPECT_CODE')
local function find()
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if tostring(d.code) == code then return d end
  end
end
if not vim.wait(15000, function() return find() ~= nil end, 50) then fail('no ' .. code .. ' diagnostic') end
local d = find()
note('message', d.message)
note('line', d.lnum)
note('source', d.source)
if not d.message:find(os.getenv('EXPECT_MESSAGE'), 1, true) then fail('unexpected message: ' .. d.message) end

local uri = vim.uri_from_bufnr(buf)
local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover',
  { textDocument = { uri = uri }, position = { line = d.lnum, character = d.col } }, 5000)
local hover_text = ''
for _, r in pairs(hover or {}) do
  if r.result and r.result.contents then hover_text = r.result.contents.value or '' end
end
note('hover', hover_text)

-- Neovim 0.7 keeps only the extra LSP fields (code, data, ...) in user_data.lsp: rebuild the rest.
local extra = (d.user_data and d.user_data.lsp) or {}
local lsp_diag = {
  range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
  code = d.code, source = d.source, message = d.message, severity = d.severity, data = extra.data,
}
local actions = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', {
  textDocument = { uri = uri },
  range = lsp_diag.range,
  context = { diagnostics = { lsp_diag } },
}, 5000)
local chosen
for _, r in pairs(actions or {}) do
  for _, a in ipairs(r.result or {}) do
    note('action', a.title)
    if a.isPreferred and not chosen then chosen = a end
  end
end
if not chosen then fail('no preferred code action: ' .. vim.inspect(actions) .. vim.inspect(lsp_diag)) end
note('applied', chosen.title)
local client = vim.lsp.get_client_by_id(id)
vim.lsp.util.apply_workspace_edit(chosen.edit, client.offset_encoding)
local before = d.message
local gone = vim.wait(15000, function()
  for _, x in ipairs(vim.diagnostic.get(buf)) do
    if x.message == before and x.lnum == d.lnum then return false end
  end
  return true
end, 50)
note('cleared', gone)
vim.cmd('write')
local f = io.open(os.getenv('RESULT_FILE'), 'w')
f:write(table.concat(results, '\n') .. '\n')
f:close()
if not gone then fail('diagnostic still there after the fix') end
vim.lsp.stop_client(id)
vim.wait(2000, function() return vim.lsp.client_is_stopped(id) end, 50)
vim.cmd('qall!')
