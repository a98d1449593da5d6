-- Full-text index of message content, kept in step by triggers, so search never scans every message.
CREATE VIRTUAL TABLE `chat_messages_fts` USING fts5(content, content='chat_messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `chat_messages_fts_ai` AFTER INSERT ON `chat_messages` BEGIN
  INSERT INTO `chat_messages_fts`(rowid, content) VALUES (new.id, new.content);
END;
--> statement-breakpoint
CREATE TRIGGER `chat_messages_fts_ad` AFTER DELETE ON `chat_messages` BEGIN
  INSERT INTO `chat_messages_fts`(`chat_messages_fts`, rowid, content) VALUES ('delete', old.id, old.content);
END;
--> statement-breakpoint
CREATE TRIGGER `chat_messages_fts_au` AFTER UPDATE OF content ON `chat_messages` BEGIN
  INSERT INTO `chat_messages_fts`(`chat_messages_fts`, rowid, content) VALUES ('delete', old.id, old.content);
  INSERT INTO `chat_messages_fts`(rowid, content) VALUES (new.id, new.content);
END;
