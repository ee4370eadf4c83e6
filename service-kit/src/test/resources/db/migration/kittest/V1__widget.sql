CREATE TABLE widget (
    name     text PRIMARY KEY,
    quantity int  NOT NULL
);
