-- What drizzle-kit cannot express for MySQL/MariaDB: the seed's ON UPDATE on a DATETIME, and a FULLTEXT index for search.
ALTER TABLE `chat_rooms` MODIFY `updated_at` datetime NULL ON UPDATE CURRENT_TIMESTAMP;
--> statement-breakpoint
ALTER TABLE `chat_messages` ADD FULLTEXT INDEX `ft_chatmsg_content` (`content`);
