;;; check.el --- Drives shapelint's server from Emacs eglot (1.9+), in batch mode.  -*- lexical-binding: t -*-
;; Env: SHAPELINT_SERVER, EXPECT_CODE, EXPECT_MESSAGE, RESULT_FILE (lines "key<TAB>value").
(require 'eglot)
(require 'flymake)
(require 'seq)

(defvar check-results nil)
(defun check-note (key value)
  (push (format "%s\t%s" key (replace-regexp-in-string "\n" "\\\\n" (format "%s" value))) check-results))
(defun check-write ()
  (with-temp-file (getenv "RESULT_FILE")
    (insert (mapconcat #'identity (reverse check-results) "\n") "\n")))
(defun check-fail (msg)
  (check-write)
  (message "check.el: %s" msg)
  (kill-emacs 1))

(defun check-wait (predicate seconds)
  "Pump process output until PREDICATE returns non-nil or SECONDS pass."
  (let ((deadline (+ (float-time) seconds)) (result nil))
    (while (and (not (setq result (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.05)
      (flymake-start))
    result))

(setq eglot-server-programs
      `((python-mode . ("node" ,(getenv "SHAPELINT_SERVER") "--stdio"))))
(setq eglot-sync-connect t eglot-autoshutdown t)
;; `emacs --batch -l check.el file.py` loads this before visiting the file: visit it here.
(find-file (pop command-line-args-left))
(python-mode)
(apply #'eglot (eglot--guess-contact))

(let* ((code (getenv "EXPECT_CODE"))
       (find (lambda ()
               (seq-find (lambda (d) (string-match-p (regexp-quote (getenv "EXPECT_MESSAGE"))
                                                     (flymake-diagnostic-text d)))
                         (flymake-diagnostics))))
       (diag (check-wait find 15)))
  (unless diag (check-fail (format "no %s diagnostic" code)))
  (let* ((beg (flymake-diagnostic-beg diag))
         (end (flymake-diagnostic-end diag))
         (text (flymake-diagnostic-text diag))
         ;; Taken now: the fix may shorten the buffer below `beg'.
         (line (line-number-at-pos beg)))
    (check-note "message" text)
    (check-note "line" (1- (line-number-at-pos beg)))
    (goto-char beg)
    (let ((hover (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                                  (eglot--TextDocumentPositionParams))))
      (check-note "hover" (or (plist-get (plist-get hover :contents) :value) "")))
    (let* ((actions (eglot-code-actions beg end))
           (preferred (seq-find (lambda (a) (eq (plist-get a :isPreferred) t)) actions)))
      (dolist (a actions) (check-note "action" (plist-get a :title)))
      (unless preferred (check-fail "no preferred code action"))
      (check-note "applied" (plist-get preferred :title))
      (eglot--apply-workspace-edit (plist-get preferred :edit))
      ;; In batch mode eglot's idle timer may not fire: send the change now.
      (eglot--signal-textDocument/didChange)
      (progn
        (check-note "cleared"
                    (and (check-wait (lambda ()
                                       (not (seq-find (lambda (d) (and (equal (flymake-diagnostic-text d) text)
                                                                       (= (line-number-at-pos (flymake-diagnostic-beg d)) line)))
                                                      (flymake-diagnostics))))
                                     15)
                         t))))))
(save-buffer)
(check-write)
(ignore-errors (eglot-shutdown (eglot--current-server-or-lose)))
(kill-emacs (if (member "cleared\tt" check-results) 0 1))
;;; check.el ends here
